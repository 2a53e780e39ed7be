import ArgumentParser
import Dispatch
import Foundation
import Model
import Synchronization

/// `heartbeat-exporter demo`: a simulated fleet of agents, each misbehaving in its own way, against a running
/// exporter, for a bounded time.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Run a simulated fleet of (mis)behaving agents against a running exporter.",
        discussion: """
            Start the exporter with the time-compressed demo configuration first, so that every shipped alert \
            fires within a few minutes:
              heartbeat-exporter serve --config.file examples/demo/heartbeat-exporter.yml --storage.path /tmp/demo
            Ctrl-C ends the demo early; live agents then deregister.
            """)

    @OptionGroup var client: ClientOptions
    @Option(help: "How long the fleet runs, as a Prometheus duration (90s, 5m).") var duration = "5m"
    @Option(help: "Prefix of the simulated agents' names.") var prefix = "demo-"
    @Flag(name: .customLong("no-watch"), help: "Do not poll and print the exporter's alerts.") var noWatch = false
    @Option(
        name: .customLong("restart-spool"),
        help:
            "Where the recovery ladder's restart script asks the demo to restart an agent (the path the ladder's command names)."
    )
    var restartSpool = DemoContext.defaultRestartSpool

    func validate() throws {
        guard (try? PrometheusDuration(parsing: duration)).map({ $0 > .zero }) == true else {
            throw ValidationError(
                "--duration: must be a Prometheus duration above 0, such as 90s or 5m; got \"\(duration)\"")
        }
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:-")
        guard prefix.unicodeScalars.allSatisfy(allowed.contains), prefix.utf8.count <= 100 else {
            throw ValidationError("--prefix: must be at most 100 of [A-Za-z0-9_.:-]; got \"\(prefix)\"")
        }
    }

    func run() async throws {
        // The demo drives the first exporter of --url.
        let targets = client.urls.compactMap { URL(string: $0) }.filter { $0.scheme != nil }
        guard let url = targets.first, targets.count == client.urls.count else {
            throw failClient(ClientError("--url: not a URL: \(client.url)"))
        }
        let length = (try? PrometheusDuration(parsing: duration)) ?? .minutes(5)
        let interruption = DemoInterruption()
        let context = DemoContext(
            exporter: url, token: try client.token(), credentials: try client.credentials(), prefix: prefix,
            duration: length.swiftDuration, interruption: interruption, restartSpool: restartSpool)
        guard await context.request("GET", "-/healthy")?.status == 200 else {
            throw failClient(
                ClientError("cannot reach the exporter at \(url.absoluteString); start it first (see --help)"))
        }
        printPlan(context, url: url.absoluteString)
        let signals = interruption.trap([SIGINT, SIGTERM])
        let fired = await DemoFleet(context: context, watch: !noWatch).run()
        signals.forEach { $0.cancel() }
        printSummary(context, fired: fired)
    }

    private func printPlan(_ context: DemoContext, url: String) {
        DemoOutput.line("heartbeat-exporter demo: \(DemoRole.fleet.count) agents against \(url) for \(duration)")
        DemoOutput.line(
            "(with examples/demo/heartbeat-exporter.yml every shipped alert fires within ~80s; Ctrl-C ends early)\n")
        let width = DemoRole.fleet.map { $0.name.count }.max().map { $0 + prefix.count + 2 } ?? 20
        for role in DemoRole.fleet {
            let name = (prefix + role.name).padding(toLength: width, withPad: " ", startingAt: 0)
            DemoOutput.line("  \(name)\(role.behaviour)  ->  \(role.expect)")
        }
        DemoOutput.line("\nWatch it: heartbeat-exporter agents --url \(url)   or   curl -s \(url)/api/v1/alerts\n")
    }

    private func printSummary(_ context: DemoContext, fired: Set<DemoAlertWatcher.Key>) {
        context.say("demo", "over; agents still alive deregistered (state stopped)")
        if !fired.isEmpty {
            DemoOutput.line("Alerts that fired: " + fired.sorted().map(\.text).joined(separator: ", "))
        }
        DemoOutput.line(
            "\(prefix)vanisher stays unreachable (it died; no ladder covers it); \(prefix)rogue stays killed until "
                + "`heartbeat-exporter resume \(prefix)rogue`.")
    }
}

/// Runs every role of the fleet, and the alert watcher, until the demo ends.
struct DemoFleet: Sendable {
    let context: DemoContext
    let watch: Bool

    /// The alerts seen firing.
    func run() async -> Set<DemoAlertWatcher.Key> {
        await withTaskGroup(of: Set<DemoAlertWatcher.Key>.self) { group in
            for role in DemoRole.fleet {
                group.addTask {
                    await role.run(context, context.prefix + role.name)
                    return []
                }
            }
            if watch { group.addTask { await DemoAlertWatcher(context: context).watch() } }
            var fired: Set<DemoAlertWatcher.Key> = []
            for await part in group { fired.formUnion(part) }
            return fired
        }
    }
}

/// Set when the operator interrupts the demo (SIGINT, SIGTERM): agents finish their beat and deregister.
final class DemoInterruption: Sendable {
    /// Whether an interrupting signal arrived.
    private let interrupted = Atomic<Bool>(false)

    var isSet: Bool { interrupted.load(ordering: .relaxed) }

    /// Replaces the default action of `signals` (terminate) with setting this flag; cancel the sources to stop.
    func trap(_ signals: [Int32]) -> [any DispatchSourceSignal] {
        signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in interrupted.store(true, ordering: .relaxed) }
            source.resume()
            return source
        }
    }
}
