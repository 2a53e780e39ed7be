// Sizes the agents' activity history (issue 17 item 4): a day of 5-minute buckets for 10,000 agents written into a
// SQLite store through the storage API, as the maintenance thread's flush writes them (one transaction per bucket
// boundary), then the database's size on disk per agent per day; and the memory the registry holds for the buckets
// being filled; and the minute's checkpoint that writes the open buckets in part.
//
//     swift build --product activity-bench && .build/debug/activity-bench [AGENTS] [DIRECTORY]
import Fleet
import Foundation
import Model
import Storage

let arguments = CommandLine.arguments
let agents = arguments.count > 1 ? Int(arguments[1]) ?? 10_000 : 10_000
let directory =
    arguments.count > 2 ? arguments[2] : NSTemporaryDirectory() + "activity-bench-\(getpid())"
let bucketsPerDay = Int(PrometheusDuration.hours(24).milliseconds / ActivityBucket.width.milliseconds)

/// The resident set size of this process, in bytes (from /proc/self/statm).
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

func fileBytes(_ directory: String, only: String? = nil) -> Int {
    let names = only.map { [$0] } ?? (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    return names.reduce(0) { total, name in
        let attributes = try? FileManager.default.attributesOfItem(atPath: directory + "/" + name)
        return total + ((attributes?[.size] as? NSNumber)?.intValue ?? 0)
    }
}

do {
    let storage = try SQLiteStorage(directory: directory)
    let origin = ActivityBucket.start(of: Timestamp(seconds: 1_767_225_600))
    let names = (0..<agents).map { "agent-\($0)" }
    let started = Date()
    for index in 0..<bucketsPerDay {
        let start = origin + .milliseconds(Int64(index) * ActivityBucket.width.milliseconds)
        let batch = names.enumerated().map { number, name in
            ActivityBucket(
                agent: name, start: start, beats: 10, tasksSucceeded: 3 + number % 5, tasksFailed: number % 3,
                costUSD: 0.0125 * Double(number % 7), tokens: Double(1_000 + number % 900),
                latencyP95Seconds: 0.2 + Double(number % 50) / 100, state: number % 97 == 0 ? .degraded : .healthy)
        }
        try storage.saveActivity(batch)
    }
    let seconds = Date().timeIntervalSince(started)
    let bytes = fileBytes(directory)
    // The minute's checkpoint of the buckets under way: one part per agent added to a bucket already stored (the
    // upsert that adds), as the flush writes every minute; the median of 5.
    var checkpoints: [Double] = []
    for round in 0..<5 {
        let start = origin + .milliseconds(Int64(bucketsPerDay - 1) * ActivityBucket.width.milliseconds)
        let parts = names.map {
            ActivityBucket(
                agent: $0, start: start, beats: 2, tasksSucceeded: 1, tasksFailed: round % 2, costUSD: 0.01,
                tokens: 100, latencyP95Seconds: 0.3, state: .healthy)
        }
        let began = Date()
        try storage.saveActivity(parts)
        checkpoints.append(Date().timeIntervalSince(began))
    }
    print("agents: \(agents), buckets per agent per day: \(bucketsPerDay)")
    print(String(format: "written in %.1f s (%.0f buckets/s)", seconds, Double(agents * bucketsPerDay) / seconds))
    print("database files: \(bytes) bytes; per agent per day: \(bytes / agents) bytes")
    print(
        String(
            format: "a minute's checkpoint of %d open buckets: %.3f s (median of 5)", agents, checkpoints.sorted()[2]))
    for name in ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted() {
        print("  \(name): \(fileBytes(directory, only: name)) bytes")
    }

    // The memory of the buckets being filled: one open bucket per agent that beat in the current 5 minutes.
    let registry = AgentRegistry(configuration: .init(maxAgents: agents))
    let now = origin
    for name in names { _ = try registry.ingest(Heartbeat(agent: name), at: now - .minutes(10)) }
    _ = registry.closeActivity(at: now, scanAll: true)  // as the flush at the boundary: no bucket open
    let withoutOpen = residentBytes()
    for name in names {
        _ = try registry.ingest(
            Heartbeat(agent: name, tasks: [TaskReport(success: true, latencyMilliseconds: 250)]), at: now)
    }
    let withOpen = residentBytes()
    print(
        "open buckets: \(MemoryLayout<OpenActivity>.stride) bytes inline + the sketch's \(LatencySketch.binCount) "
            + "counters per agent; RSS \(withoutOpen) -> \(withOpen) bytes with \(agents) open buckets "
            + "(\((withOpen - withoutOpen) / max(1, agents)) bytes per agent)")
    try? FileManager.default.removeItem(atPath: directory)
} catch {
    print("activity-bench failed: \(error)")
    exit(1)
}
