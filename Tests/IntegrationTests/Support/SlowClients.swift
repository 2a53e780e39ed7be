import Foundation
import TestSupport

/// 2,000 connections from 127.0.0.2 sending a request one byte a second each, opened again whenever the server
/// closes them (the slow-client attack of issue 13), run by `bench/slowclients/run.py --trickle PORT` in a process
/// of its own, which raises its own file-descriptor limit.
final class TricklingProcess {
    private let process = Process()
    private let input = Pipe()
    private let outputPath = NSTemporaryDirectory() + "trickle-\(UUID().uuidString)"

    /// Starts the slow clients against `port` and returns once their connections are open.
    init(port: UInt16) async throws {
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [
            TestPaths.packageRoot.appendingPathComponent("bench/slowclients/run.py").path, "--trickle", "\(port)",
        ]
        process.standardInput = input
        process.standardOutput = FileHandle(forWritingAtPath: outputPath)
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while !output.hasPrefix("ready"), process.isRunning, Date() < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        guard output.hasPrefix("ready") else {
            process.terminate()
            throw TestFailure("the slow clients did not start: \(output)")
        }
    }

    private var output: String {
        String(decoding: FileManager.default.contents(atPath: outputPath) ?? Data(), as: UTF8.self)
    }

    /// Stops the slow clients; the connections they opened (first and again) and those the server closed.
    func stop() async throws -> (opened: Int, closedByServer: Int) {
        try input.fileHandleForWriting.close()
        await process.exitStatus()
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let words = output.split(whereSeparator: \.isWhitespace)
        guard let opened = words.firstIndex(of: "opened").flatMap({ Int(words[$0 + 1]) }),
            let closed = words.firstIndex(of: "closed_by_server").flatMap({ Int(words[$0 + 1]) })
        else { throw TestFailure("the slow clients reported no tally: \(output)") }
        return (opened, closed)
    }
}

/// Heartbeats sent one after another, each on a new connection from 127.0.0.1, timed from connect to the
/// last byte of the answer.
enum TimedBeats {
    /// The latency of `count` beats in milliseconds, one every `spacing` seconds; a beat that fails counts as
    /// 10 s. The beats are sent and timed from a thread of their own (`offPool`), so a test process whose pool
    /// threads are busy with other tests does not add its own waits to the latencies.
    static func run(port: UInt16, count: Int, spacing: Double) async -> [Double] {
        await offPool("timed-beats") { runBlocking(port: port, count: count, spacing: spacing) }
    }

    private static func runBlocking(port: UInt16, count: Int, spacing: Double) -> [Double] {
        (0..<count).map { index in
            let started = Date()
            let milliseconds = beat(port: port, agent: "timed-\(index % 50)").map { _ in
                Date().timeIntervalSince(started) * 1000
            }
            Thread.sleep(forTimeInterval: max(0, spacing - Date().timeIntervalSince(started)))
            return milliseconds ?? 10_000
        }
    }

    /// The value below which `fraction` of `samples` lie (nearest rank).
    static func percentile(_ samples: [Double], _ fraction: Double) -> Double {
        let sorted = samples.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted[min(sorted.count - 1, max(0, Int((fraction * Double(sorted.count)).rounded(.up)) - 1))]
    }

    private static func beat(port: UInt16, agent: String) -> Int? {
        let body = #"{"agent":"\#(agent)","interval_seconds":30}"#
        let request =
            "POST /api/v1/heartbeat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
        guard let connection = try? RawConnection(port: port) else { return nil }
        connection.send(request)
        let reply = connection.readUntilClosedBlocking(timeout: 10)
        guard reply.closed, let statusText = reply.text.split(separator: " ").dropFirst().first else { return nil }
        return Int(statusText) == 202 ? 202 : nil
    }
}
