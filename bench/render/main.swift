// Times the `/metrics` render of a fleet in process, without HTTP: AGENTS agents loaded from the heartbeat
// benchmark's beat (`bench/heartbeat/beat.json`), then ROUNDS renders of every `agent_*` family on one thread and
// on two; prints the median time per render and per series, and the resident memory per agent.
//
//     swift build -c release --product render-bench && .build/release/render-bench [AGENTS] [ROUNDS]
import Exposition
import Fleet
import Foundation
import JSON
import Model

let arguments = CommandLine.arguments
let agents = arguments.count > 1 ? Int(arguments[1]) ?? 10_000 : 10_000
let rounds = arguments.count > 2 ? Int(arguments[2]) ?? 11 : 11

/// The resident set size of this process, in bytes (from /proc/self/statm).
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

/// The lines of an exposition that are samples (not `#` comments).
func seriesCount(_ body: [UInt8]) -> Int {
    var count = 0
    var lineStart = true
    for byte in body {
        if lineStart && byte != UInt8(ascii: "#") { count += 1 }
        lineStart = byte == UInt8(ascii: "\n")
    }
    return count
}

let beatPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../heartbeat/beat.json").standardized.path
do {
    let template = try String(contentsOfFile: beatPath, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    let registry = AgentRegistry(configuration: AgentRegistry.Configuration(maxAgents: agents))
    let decoder = HeartbeatDecoder()
    let now = Timestamp(seconds: 1_767_225_600)
    let empty = residentBytes()
    for index in 0..<agents {
        let name = String(format: "agent-%05d", index)
        let text = template.replacingOccurrences(of: "AGENT", with: name).replacingOccurrences(of: "SEQ", with: "1")
        let beat = try decoder.decode(try JSONParser.parse(Array(text.utf8)))
        _ = try registry.ingest(beat, at: now)
    }
    let loaded = residentBytes()
    let policy = registry.currentConfiguration.policy
    for threads in [1, 2] {
        var times: [Double] = []
        var series = 0
        var bytes = 0
        for _ in 0..<rounds {
            let started = DispatchTime.now().uptimeNanoseconds
            let snapshot = registry.snapshot()
            var writer = ExpositionWriter(format: .prometheusText, capacity: 4096 + snapshot.count * 3_300)
            FleetExposition.write(snapshot, at: now, policy: policy, threads: threads, into: &writer)
            let body = writer.finish()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
            bytes = body.count
            series = seriesCount(body)
        }
        let seconds = median(times)
        print(
            String(
                format: "threads %d: %d agents, %d series, %.1f MB: median of %d renders %.4f s, %.3f µs per series",
                threads, agents, series, Double(bytes) / 1e6, rounds, seconds, seconds / Double(series) * 1e6))
    }
    print(
        String(
            format: "RSS per agent loaded: %.2f KiB (the record itself: %d bytes)",
            Double(loaded - empty) / Double(agents) / 1024, MemoryLayout<AgentRecord>.stride))
} catch {
    print("render-bench: \(error)")
    exit(1)
}
