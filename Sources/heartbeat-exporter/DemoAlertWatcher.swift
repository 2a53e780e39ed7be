import Foundation
import JSON

/// Polls `GET /api/v1/alerts` during the demo and prints each alert that starts pending, fires or resolves.
struct DemoAlertWatcher: Sendable {
    let context: DemoContext

    /// One alert's identity as printed: its name and the agent it is about.
    struct Key: Hashable, Comparable {
        var alertname: String
        var agent: String

        var text: String { agent.isEmpty ? alertname : "\(alertname) {agent=\(agent)}" }

        static func < (lhs: Key, rhs: Key) -> Bool { (lhs.alertname, lhs.agent) < (rhs.alertname, rhs.agent) }
    }

    /// Watches until the demo ends, printing each alert when it starts firing (with when it became pending)
    /// and when a firing alert resolves; returns the alerts that fired at some point.
    func watch(every interval: Duration = .seconds(1)) async -> Set<Key> {
        var firing: Set<Key> = []
        var pendingSince: [Key: Int64] = [:]
        var fired: Set<Key> = []
        while context.running {
            if let current = await alerts() {
                let now = context.elapsed.components.seconds
                for (key, state) in current.sorted(by: { $0.key < $1.key }) {
                    if state == "pending", pendingSince[key] == nil { pendingSince[key] = now }
                    guard state == "firing", !firing.contains(key) else { continue }
                    let since = pendingSince[key].map { " (pending since \($0)s)" } ?? ""
                    let muted = await suppression(of: key).map { "; suppressed by \($0), not notified" } ?? ""
                    context.say("alert", "\(key.text) FIRING\(since)\(muted)")
                }
                for key in firing.sorted() where current[key] != "firing" {
                    context.say("alert", "\(key.text) resolved")
                }
                pendingSince = pendingSince.filter { current[$0.key] != nil }
                firing = Set(current.filter { $0.value == "firing" }.keys)
                fired.formUnion(firing)
            }
            await context.pause(interval)
        }
        return fired
    }

    /// What suppresses the alert in the exporter's routing (`GET /api/v2/alerts`): silences, inhibiting alerts
    /// or its agent's kill (`killed:<agent>`); nil when nothing does or the exporter cannot be asked.
    private func suppression(of key: Key) async -> String? {
        guard let reply = await context.request("GET", "api/v2/alerts"), reply.status == 200,
            let alerts = try? JSONParser.parse(Array(reply.body)).arrayValue
        else { return nil }
        for alert in alerts {
            let labels = alert.objectValue?["labels"]?.objectValue
            guard labels?["alertname"]?.stringValue == key.alertname,
                (labels?["agent"]?.stringValue ?? "") == key.agent,
                let status = alert.objectValue?["status"]?.objectValue,
                status["state"]?.stringValue == "suppressed"
            else { continue }
            let reasons = ["silencedBy", "inhibitedBy"].flatMap { status[$0]?.arrayValue ?? [] }.compactMap(
                \.stringValue)
            return reasons.joined(separator: ", ")
        }
        return nil
    }

    /// The pending and firing alerts, or nil when the exporter cannot be asked.
    private func alerts() async -> [Key: String]? {
        guard let reply = await context.request("GET", "api/v1/alerts"), reply.status == 200,
            let document = try? JSONParser.parse(Array(reply.body)),
            let alerts = document.objectValue?["data"]?.objectValue?["alerts"]?.arrayValue
        else { return nil }
        var states: [Key: String] = [:]
        for alert in alerts {
            let labels = alert.objectValue?["labels"]?.objectValue
            guard let name = labels?["alertname"]?.stringValue,
                let state = alert.objectValue?["state"]?.stringValue
            else { continue }
            states[Key(alertname: name, agent: labels?["agent"]?.stringValue ?? "")] = state
        }
        return states
    }
}
