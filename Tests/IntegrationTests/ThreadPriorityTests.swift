import Foundation
import Model
import TestSupport
import Testing

/// Rule evaluation, `/metrics` renders and the maintenance sweep run below the HTTP workers' priority: on a machine
/// whose cores are busy with them, libmicrohttpd's threads answer a heartbeat first (bench/README.md, "Scale").
struct ThreadPriorityTests {
    /// The name and nice value of each of the process' threads, from `/proc`.
    static func threads(of pid: Int32) throws -> [(name: String, niceness: Int)] {
        let tasks = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")
        return tasks.compactMap { task in
            guard
                let comm = try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/comm", encoding: .utf8),
                let stat = try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/stat", encoding: .utf8),
                let end = stat.lastIndex(of: ")")
            else { return nil }
            // After "pid (comm) ", the fields start at the third; the nice value is the nineteenth.
            let fields = stat[stat.index(after: end)...].split(separator: " ")
            guard fields.count > 16, let niceness = Int(fields[16]) else { return nil }
            return (comm.trimmingCharacters(in: .whitespacesAndNewlines), niceness)
        }
    }

    @Test func theRuleMaintenanceAndRenderThreadsRunBelowTheHTTPWorkers() async throws {
        let exporter = try await ExporterProcess()
        defer { exporter.send(SIGTERM) }
        #expect(try await HTTPTestClient(baseURL: exporter.baseURL).get("/metrics").status == 200)
        let threads = try Self.threads(of: exporter.process.processIdentifier)
        let listing = threads.map { "\($0.name)=\($0.niceness)" }.sorted().joined(separator: " ")
        let workers = threads.filter { $0.name == "MHD-worker" }
        let base = try #require(workers.first?.niceness, "no libmicrohttpd worker thread: \(listing)")
        #expect(workers.allSatisfy { $0.niceness == base }, "\(listing)")
        for name in ["rules", "maintenance", "http-apart"] {
            let named = threads.filter { $0.name == name }
            #expect(!named.isEmpty, "no thread \(name): \(listing)")
            #expect(named.allSatisfy { $0.niceness == max(base, Int(BackgroundWork.niceness)) }, "\(name): \(listing)")
        }
    }
}
