import Foundation

/// Many connections from one loopback address that send a request one byte at a time, once a second each,
/// and are opened again whenever the server closes them: the slow-client attack of issue 13.
final class TricklingClients: @unchecked Sendable {
    // @unchecked: `sockets` and `sent` are only touched by the trickling thread; `counts` is guarded by `lock`.
    private let port: UInt16
    private let source: String
    private let connections: Int
    private var sockets: [Int32] = []
    private var sent: [Int] = []
    private let lock = NSLock()
    private var counts = (opened: 0, closedByServer: 0)
    private var stopRequested = false
    private let finished = DispatchSemaphore(value: 0)
    private static let request = Array(
        "POST /api/v1/heartbeat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Slow: \(String(repeating: "s", count: 4000))"
            .utf8)

    /// `connections` sockets bound to `source` (e.g. 127.0.0.2), connecting to 127.0.0.1:`port`.
    init(port: UInt16, source: String, connections: Int) {
        self.port = port
        self.source = source
        self.connections = connections
    }

    /// Opens the connections, then trickles a byte on each every second until ``stop()``.
    func start() {
        sockets = (0..<connections).map { _ in open() }
        sent = Array(repeating: 0, count: connections)
        Thread.detachNewThread { [self] in
            while !lock.withLock({ stopRequested }) {
                let round = Date()
                trickleOnce()
                Thread.sleep(forTimeInterval: max(0, 1 - Date().timeIntervalSince(round)))
            }
            sockets.forEach { close($0) }
            finished.signal()
        }
    }

    func stop() {
        lock.withLock { stopRequested = true }
        finished.wait()
    }

    /// Connections opened (first and again) and those the server closed.
    var tally: (opened: Int, closedByServer: Int) { lock.withLock { counts } }

    private func trickleOnce() {
        var buffer = [UInt8](repeating: 0, count: 512)
        for index in sockets.indices {
            let received = recv(sockets[index], &buffer, buffer.count, Int32(MSG_DONTWAIT))
            let closed = received == 0 || (received < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
            let byte = Self.request[sent[index] % Self.request.count]
            if !closed,
                send(sockets[index], [byte], 1, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) >= 0 || errno == EAGAIN
                    || errno == ENOTCONN
            {
                sent[index] += 1
                continue
            }
            lock.withLock { counts.closedByServer += 1 }
            close(sockets[index])
            sockets[index] = open()
            sent[index] = 0
        }
    }

    /// A non-blocking socket bound to `source`, connecting to the server.
    private func open() -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        _ = inet_pton(AF_INET, source, &local.sin_addr)
        var remote = sockaddr_in()
        remote.sin_family = sa_family_t(AF_INET)
        remote.sin_port = port.bigEndian
        remote.sin_addr.s_addr = inet_addr("127.0.0.1")
        withUnsafePointer(to: &local) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                _ = bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        withUnsafePointer(to: &remote) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                _ = connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        lock.withLock { counts.opened += 1 }
        return descriptor
    }
}

/// Heartbeats sent one after another, each on a new connection from 127.0.0.1, timed from connect to the
/// last byte of the answer.
enum TimedBeats {
    /// The latency of `count` beats in milliseconds, one every `spacing` seconds; a beat that fails counts as
    /// 10 s.
    static func run(port: UInt16, count: Int, spacing: Double) -> [Double] {
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
        let reply = connection.readUntilClosed(timeout: 10)
        guard reply.closed, let statusText = reply.text.split(separator: " ").dropFirst().first else { return nil }
        return Int(statusText) == 202 ? 202 : nil
    }
}
