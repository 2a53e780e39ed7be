import Model
import PromQL
import Rules
import Testing

/// A one-rule group over an in-memory store, stepped by hand with explicit timestamps.
private struct Harness {
    let store = MemorySeriesStore()
    let group: RuleGroup
    let rule: AlertingRule

    init(expr: String = "agent_health{state=\"unreachable\"} == 1", holdDuration: Int64 = 0,
         keepFiringFor: Int64 = 0) throws {
        rule = try AlertingRule(
            name: "AgentUnreachable", expression: Parser.parse(expr), holdDuration: holdDuration,
            keepFiringFor: keepFiringFor, labels: [Label("severity", "critical")],
            annotations: [Label("summary", "{{ $labels.agent }} unreachable, value {{ $value }}")])
        group = RuleGroup(name: "fleet", file: "rules.yml", interval: 60_000, rules: [.alerting(rule)])
    }

    /// Writes the agent's `agent_health{state="unreachable"}` value at `minute` and evaluates there.
    @discardableResult
    func step(minute: Int64, unreachable: Double?) -> GroupEvaluationResult {
        let time = minute * 60_000
        if let unreachable {
            store.append(Labels(["__name__": "agent_health", "agent": "w-1", "state": "unreachable"]),
                         timestamp: time, value: unreachable)
        }
        return group.evaluate(at: time, queryable: store, sink: store)
    }

    var state: AlertState? { rule.activeAlerts.first?.state }

    func query(_ text: String, minute: Int64) throws -> Vector {
        guard case .vector(let vector) = try Evaluator(storage: store).query(text, at: minute * 60_000) else { return [] }
        return vector
    }
}

@Suite struct AlertingRuleTests {
    @Test func pendingForTheHoldDurationThenFiring() throws {
        let harness = try Harness(holdDuration: 120_000)
        harness.step(minute: 0, unreachable: 0)
        #expect(harness.state == nil)
        harness.step(minute: 1, unreachable: 1)
        #expect(harness.state == .pending)
        harness.step(minute: 2, unreachable: 1)
        #expect(harness.state == .pending)
        harness.step(minute: 3, unreachable: 1)
        #expect(harness.state == .firing)
        let alert = try #require(harness.rule.activeAlerts.first)
        #expect(alert.activeAt == 60_000)
        #expect(alert.firedAt == 180_000)
        #expect(alert.labels == Labels(["alertname": "AgentUnreachable", "agent": "w-1", "severity": "critical",
                                        "state": "unreachable"]))
        #expect(alert.annotations == Labels(["summary": "w-1 unreachable, value 1"]))
    }

    @Test func oneFalseEvaluationRestartsTheHoldTimer() throws {
        let harness = try Harness(holdDuration: 120_000)
        harness.step(minute: 0, unreachable: 1)
        harness.step(minute: 1, unreachable: 1)
        harness.step(minute: 2, unreachable: 0)
        #expect(harness.state == nil, "a pending alert is dropped, not resolved")
        harness.step(minute: 3, unreachable: 1)
        harness.step(minute: 4, unreachable: 1)
        #expect(harness.state == .pending)
        harness.step(minute: 5, unreachable: 1)
        #expect(harness.state == .firing)
        #expect(harness.rule.activeAlerts.first?.activeAt == 180_000)
    }

    @Test func resolvedAlertsAreKeptFifteenMinutesThenDropped() throws {
        let harness = try Harness()
        harness.step(minute: 0, unreachable: 1)
        #expect(harness.state == .firing)
        harness.step(minute: 1, unreachable: 0)
        #expect(harness.state == .inactive)
        #expect(harness.rule.activeAlerts.first?.resolvedAt == 60_000)
        for minute in Int64(2)...16 { harness.step(minute: minute, unreachable: 0) }
        #expect(harness.state == .inactive, "15 minutes after resolution it is still kept")
        harness.step(minute: 17, unreachable: 0)
        #expect(harness.rule.activeAlerts.isEmpty)
    }

    @Test func keepFiringForHoldsAFiringAlert() throws {
        let harness = try Harness(keepFiringFor: 180_000)
        harness.step(minute: 0, unreachable: 1)
        harness.step(minute: 1, unreachable: 0)
        #expect(harness.state == .firing)
        #expect(harness.rule.activeAlerts.first?.keepFiringSince == 60_000)
        harness.step(minute: 3, unreachable: 0)
        #expect(harness.state == .firing)
        harness.step(minute: 4, unreachable: 0)
        #expect(harness.state == .inactive)
        #expect(harness.rule.activeAlerts.first?.resolvedAt == 240_000)
    }

    @Test func alertsSeriesAreWrittenAndGoStaleOnResolution() throws {
        let harness = try Harness(holdDuration: 60_000)
        harness.step(minute: 0, unreachable: 1)
        #expect(try harness.query("ALERTS", minute: 0).map(\.labels["alertstate"]) == ["pending"])
        harness.step(minute: 1, unreachable: 1)
        #expect(try harness.query("ALERTS", minute: 1).map(\.labels["alertstate"]) == ["firing"])
        #expect(try harness.query("ALERTS_FOR_STATE", minute: 1).map(\.value) == [0])
        harness.step(minute: 2, unreachable: 0)
        #expect(try harness.query("ALERTS", minute: 2).isEmpty, "a stale marker ends ALERTS at once")
    }

    @Test func notificationsAreSentWhenFiringResentAfterTheDelayAndOnResolution() throws {
        let harness = try Harness()
        #expect(harness.step(minute: 0, unreachable: 1).alertsToSend.map(\.isResolved) == [false])
        #expect(harness.step(minute: 1, unreachable: 1).alertsToSend.isEmpty, "resend delay is 1m")
        let resent = harness.step(minute: 2, unreachable: 1).alertsToSend
        #expect(resent.first?.startsAt == 0)
        let validUntil: Int64 = 120_000 + 4 * 60_000
        #expect(resent.first?.endsAt == validUntil)
        let resolved = harness.step(minute: 3, unreachable: 0).alertsToSend
        #expect(resolved.map(\.isResolved) == [true])
        #expect(resolved.first?.endsAt == 180_000)
    }

    @Test func restoredAlertsContinueTheirHoldTimer() throws {
        let before = try Harness(holdDuration: 300_000)
        before.step(minute: 0, unreachable: 1)
        before.step(minute: 1, unreachable: 1)
        let saved = before.rule.activeAlerts
        let after = try Harness(holdDuration: 300_000)
        after.rule.restore(saved)
        after.step(minute: 5, unreachable: 1)
        #expect(after.state == .firing, "activeAt 0 survived the restart, so 5 minutes have passed")
    }

    @Test func queryErrorsMakeTheRuleUnhealthy() throws {
        let harness = try Harness(expr: "agent_health{state=\"unreachable\"} + ignoring(state) agent_health")
        harness.store.append(Labels(["__name__": "agent_health", "agent": "w-1", "state": "healthy"]), timestamp: 0, value: 0)
        let result = harness.step(minute: 0, unreachable: 1)
        #expect(result.failures == 1)
        #expect(harness.rule.status.health == .err)
        #expect(harness.rule.status.lastError?.isEmpty == false)
    }
}

@Suite struct ForStateRestorationTests {
    private func group(holdDuration: Int64) throws -> (RuleGroup, AlertingRule) {
        let rule = try AlertingRule(name: "Down", expression: Parser.parse("agent_up == 0"), holdDuration: holdDuration)
        return (RuleGroup(name: "g", file: "r.yml", interval: 60_000, rules: [.alerting(rule)]), rule)
    }

    private func agentDown(_ store: MemorySeriesStore, minutes: ClosedRange<Int64>) {
        for minute in minutes {
            store.append(Labels(["__name__": "agent_up", "agent": "a"]), timestamp: minute * 60_000, value: 0)
        }
    }

    @Test func firingAlertFiresAgainRightAfterARestart() throws {
        let store = MemorySeriesStore()
        let (before, _) = try group(holdDuration: 900_000)
        agentDown(store, minutes: 0...20)
        for minute in Int64(0)...16 { _ = before.evaluate(at: minute * 60_000, queryable: store, sink: store) }
        // Restart at 20m: a fresh group, same store (it kept ALERTS_FOR_STATE).
        let (after, rule) = try group(holdDuration: 900_000)
        after.markForRestoration()
        _ = after.evaluate(at: 1_200_000, queryable: store, sink: store)
        #expect(rule.activeAlerts.first?.state == .pending)
        after.restoreForState(at: 1_200_000, queryable: store)
        #expect(rule.activeAlerts.first?.activeAt == 0)
        _ = after.evaluate(at: 1_260_000, queryable: store, sink: store)
        #expect(rule.activeAlerts.first?.state == .firing)
    }

    @Test func pendingTimeBeforeTheOutageCountsAndTheDowntimeDoesNot() throws {
        let store = MemorySeriesStore()
        let (before, _) = try group(holdDuration: 1_800_000)
        agentDown(store, minutes: 0...40)
        for minute in Int64(0)...5 { _ = before.evaluate(at: minute * 60_000, queryable: store, sink: store) }
        let (after, rule) = try group(holdDuration: 1_800_000)
        after.markForRestoration()
        _ = after.evaluate(at: 600_000, queryable: store, sink: store)
        after.restoreForState(at: 600_000, queryable: store)
        // Pending 5 of 30 minutes before going down at 5m; 25 remain from the restart at 10m.
        #expect(rule.activeAlerts.first?.activeAt == 300_000)
    }
}
