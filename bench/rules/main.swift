// Evaluation of the shipped rules over a simulated fleet, with an injected clock: time per evaluation cycle
// and the memory of the sample history the rules need.
//
//   swift build -c release --product rules-bench && .build/release/rules-bench [AGENTS] [CYCLES]
//   RULE_FILES=/tmp/one.yml .build/release/rules-bench 100000 12    # other rule files than rules/*.yml
//   PER_AGENT_HISTOGRAMS=false .build/release/rules-bench 100000 12  # histograms per agent type
//   CHECKPOINT=0 .build/release/rules-bench 100000 12                # without the checkpoint and restore at the end
//
// Each cycle every agent beats once (two tasks, cost and tokens growing, a queue), the clock moves 15 s, and
// the engine evaluates the groups that are due. After enough cycles to fill the longest window the rules
// read (1 h + lookback), the history is at its steady size. At the end the history is checkpointed to SQLite
// (what the rule thread does every `rule_history_checkpoint_interval`, and shutdown once) and restored into a
// fresh engine: size and time of each.
import CMalloc
import Fleet
import Foundation
import Logging
import Rules
import RuleManager
import Storage
import TestSupport

let arguments = CommandLine.arguments
let agentCount = arguments.count > 1 ? Int(arguments[1]) ?? 10_000 : 10_000
let cycles = arguments.count > 2 ? Int(arguments[2]) ?? 270 : 270
let step = 15.0

/// The CPU time of the whole process so far (every thread), in seconds: a cycle's CPU time moves less than its
/// wall time when something else runs on the machine.
func processCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

func residentKiB() -> Int {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
    return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
}

// As `serve` does: large freed buffers go back to the system instead of fragmenting the heap.
_ = mallopt(M_MMAP_THRESHOLD, 1 << 20)
let clock = ManualClock()
// PER_AGENT_HISTOGRAMS=false: the task-duration histogram per agent type (`metrics.per_agent_histograms: false`).
let perAgentHistograms = ProcessInfo.processInfo.environment["PER_AGENT_HISTOGRAMS"] != "false"
let registry = AgentRegistry(
    configuration: AgentRegistry.Configuration(
        maxAgents: agentCount, exposition: ExpositionOptions(perAgentHistograms: perAgentHistograms)))
let directory = NSTemporaryDirectory() + "rules-bench-\(UUID().uuidString)"
let store = try SQLiteStorage(directory: directory)
let engine = RuleEngine(
    registry: registry, store: store, clock: clock, logger: Logger(label: "bench"), historyStore: store)
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
// RULE_FILES (a glob) evaluates other rule files than the shipped ones, e.g. one rule to profile alone.
let ruleFiles = ProcessInfo.processInfo.environment["RULE_FILES"] ?? root.appendingPathComponent("rules/*.yml").path
let groups = try RuleFileLoader.load([ruleFiles])
engine.install(groups, settings: RuleEvaluationSettings(), generatorLink: .page("http://127.0.0.1:9747/api/v1/rules"))
print("rule groups: \(groups.count), rules: \(groups.reduce(0) { $0 + $1.rules.count }), agents: \(agentCount)")

/// The median of the last 60 values, in milliseconds.
func steadyMedian(_ seconds: [Double]) -> Double {
    let last = seconds.suffix(60).sorted()
    return last.isEmpty ? 0 : last[last.count / 2] * 1000
}

let names = (0..<agentCount).map { String(format: "agent-%05d", $0) }
let baseline = residentKiB()
var fleetOnly = baseline
var cycleSeconds: [Double] = []
var cycleCPUSeconds: [Double] = []
var groupSeconds: [Double] = []
var ruleSeconds: [String: [Double]] = [:]
for cycle in 0..<cycles {
    for (index, name) in names.enumerated() {
        let tasks = [
            TaskReport(success: true, latencyMilliseconds: 800, costUSD: 0.002, tokens: 300),
            TaskReport(success: index % 10 != 0, latencyMilliseconds: 2_400, costUSD: 0.003, tokens: 500),
        ]
        _ = try registry.ingest(
            Heartbeat(
                agent: name, agentType: "worker", runID: "run", seq: UInt64(cycle + 1), tasks: tasks,
                metrics: HeartbeatMetrics(queueDepth: Double(index % 4))),
            at: clock.now())
    }
    if cycle == 0 { fleetOnly = residentKiB() }
    clock.advance(by: step)
    let started = Date()
    let startedCPU = processCPUSeconds()
    engine.tick()
    cycleSeconds.append(Date().timeIntervalSince(started))
    cycleCPUSeconds.append(processCPUSeconds() - startedCPU)
    // Groups run in parallel after the fleet is sampled: the slowest group bounds the evaluation part.
    groupSeconds.append(engine.groups.map(\.lastEvaluation.durationSeconds).max() ?? 0)
    for rule in engine.groups.flatMap(\.rules) {
        ruleSeconds[rule.name, default: []].append(rule.status.evaluationSeconds)
    }
    if cycle % 20 == 0 {
        let size = engine.history.size
        let line =
            "cycle \(cycle): \(Int(cycleSeconds[cycle] * 1000)) ms, \(size.series) series, "
            + "\(size.samples) samples, RSS \(residentKiB()) KiB\n"
        FileHandle.standardError.write(Data(line.utf8))
    }
}
let steady = cycleSeconds.suffix(60).sorted()
let size = engine.history.size
let alerts = engine.groups.flatMap(\.alertingRules).flatMap(\.activeAlerts).count
print(
    String(
        format: "cycle (last 60): median %.1f ms, p90 %.1f ms, max %.1f ms", steady[steady.count / 2] * 1000,
        steady[steady.count * 9 / 10] * 1000, (steady.last ?? 0) * 1000))
print(
    String(
        format: "slowest group's evaluation (last 60): median %.1f ms; the rest of a cycle samples the fleet",
        steadyMedian(groupSeconds)))
print(String(format: "cycle CPU time, all threads (last 60): median %.1f ms", steadyMedian(cycleCPUSeconds)))
for rule in engine.groups.flatMap(\.rules) {
    print("  rule \(rule.name): median " + String(format: "%.1f ms", steadyMedian(ruleSeconds[rule.name] ?? [])))
}
print("history: \(size.series) series, \(size.samples) samples; active alerts: \(alerts)")
print(
    String(
        format: "history sample arrays: %d KiB, %.1f bytes per live sample", engine.history.sampleBytes / 1024,
        Double(engine.history.sampleBytes) / Double(max(size.samples, 1))))
let resident = residentKiB()
print(
    "RSS: \(baseline) KiB after loading the rules, \(fleetOnly) KiB with the fleet before the first evaluation, "
        + "\(resident) KiB after \(cycles) cycles (\((resident - fleetOnly) * 1024 / max(size.samples, 1)) bytes per history "
        + "sample beyond the fleet)")
let heap = mallinfo2()
_ = malloc_trim(0)
print(
    "malloc: \((heap.uordblks + heap.hblkhd) / 1024) KiB in use, \(heap.fordblks / 1024) KiB free in the heap; "
        + "RSS \(residentKiB()) KiB after malloc_trim")
guard ProcessInfo.processInfo.environment["CHECKPOINT"] != "0" else {
    try? FileManager.default.removeItem(atPath: directory)
    exit(0)
}
var checkpointSeconds: [Double] = []
var checkpointBytes = 0
for _ in 0..<5 {
    // Timed here: the engine times its checkpoints by its own clock, the bench's manual one.
    let started = Date()
    if let saved = engine.saveHistory() {
        checkpointSeconds.append(Date().timeIntervalSince(started))
        checkpointBytes = saved.bytes
    }
}
let encodeStarted = Date()
_ = engine.history.checkpoint()
let encodeSeconds = Date().timeIntervalSince(encodeStarted)
checkpointSeconds.sort()
print(
    String(
        format: "checkpoint: %d KiB (%.1f bytes per sample), median of 5: %.0f ms (encoding alone %.0f ms)",
        checkpointBytes / 1024, Double(checkpointBytes) / Double(max(size.samples, 1)),
        (checkpointSeconds.isEmpty ? 0 : checkpointSeconds[checkpointSeconds.count / 2]) * 1000,
        encodeSeconds * 1000))
let restoreStarted = Date()
let restored = RuleEngine(
    registry: registry, store: store, clock: clock, logger: Logger(label: "bench"), historyStore: store)
restored.install(groups, settings: RuleEvaluationSettings(), generatorLink: .page(""))
restored.restorePendingHistory()
print(
    String(
        format: "restore into a new engine: %.0f ms, %d series, %d samples",
        Date().timeIntervalSince(restoreStarted) * 1000, restored.history.size.series, restored.history.size.samples))
print(
    String(
        format: "restored history sample arrays: %d KiB, %.1f bytes per live sample",
        restored.history.sampleBytes / 1024,
        Double(restored.history.sampleBytes) / Double(max(restored.history.size.samples, 1))))
try? FileManager.default.removeItem(atPath: directory)
