import Model
import PromQL
import Rules
import Testing

/// `minute` minutes after the epoch, where the tests' series start.
private func at(minute: Int64) -> Timestamp { .epoch + .minutes(Int(minute)) }

/// A one-rule group over an in-memory store, stepped by hand with explicit timestamps.
private struct Harness {
    let store = MemorySeriesStore()
    let group: RuleGroup
    let rule: AlertingRule

    init(
        expr: String = "agent_health{state=\"unreachable\"} == 1", holdDuration: PrometheusDuration = .zero,
        keepFiringFor: PrometheusDuration = .zero
    ) throws {
        rule = try AlertingRule(
            name: "AgentUnreachable", expression: Parser.parse(expr), holdDuration: holdDuration,
            keepFiringFor: keepFiringFor, labels: [Label("severity", "critical")],
            annotations: [Label("summary", "{{ $labels.agent }} unreachable, value {{ $value }}")])
        group = RuleGroup(name: "fleet", file: "rules.yml", interval: .minutes(1), rules: [.alerting(rule)])
    }

    /// Writes the agent's `agent_health{state="unreachable"}` value at `minute` and evaluates there.
    @discardableResult
    func step(minute: Int64, unreachable: Double?) -> GroupEvaluationResult {
        let time = at(minute: minute)
        if let unreachable {
            store.append(
                Labels(["__name__": "agent_health", "agent": "w-1", "state": "unreachable"]),
                timestamp: time.milliseconds, value: unreachable)
        }
        return group.evaluate(at: time, queryable: store, sink: store)
    }

    var state: AlertState? { rule.activeAlerts.first?.state }

    func query(_ text: String, minute: Int64) throws -> Vector {
        guard
            case .vector(let vector) = try Evaluator(storage: store).query(
                text,
                at: at(minute: minute))
        else { return [] }
        return vector
    }
}

@Suite struct AlertingRuleTests {
    @Test func pendingForTheHoldDurationThenFiring() throws {
        let harness = try Harness(holdDuration: .minutes(2))
        harness.step(minute: 0, unreachable: 0)
        #expect(harness.state == nil)
        harness.step(minute: 1, unreachable: 1)
        #expect(harness.state == .pending)
        harness.step(minute: 2, unreachable: 1)
        #expect(harness.state == .pending)
        harness.step(minute: 3, unreachable: 1)
        #expect(harness.state == .firing)
        let alert = try #require(harness.rule.activeAlerts.first)
        #expect(alert.activeAt == at(minute: 1))
        #expect(alert.firedAt == at(minute: 3))
        #expect(
            alert.labels
                == Labels([
                    "alertname": "AgentUnreachable", "agent": "w-1", "severity": "critical",
                    "state": "unreachable",
                ]))
        #expect(alert.annotations == Labels(["summary": "w-1 unreachable, value 1"]))
    }

    @Test func oneFalseEvaluationRestartsTheHoldTimer() throws {
        let harness = try Harness(holdDuration: .minutes(2))
        harness.step(minute: 0, unreachable: 1)
        harness.step(minute: 1, unreachable: 1)
        harness.step(minute: 2, unreachable: 0)
        #expect(harness.state == nil, "a pending alert is dropped, not resolved")
        harness.step(minute: 3, unreachable: 1)
        harness.step(minute: 4, unreachable: 1)
        #expect(harness.state == .pending)
        harness.step(minute: 5, unreachable: 1)
        #expect(harness.state == .firing)
        #expect(harness.rule.activeAlerts.first?.activeAt == at(minute: 3))
    }

    @Test func resolvedAlertsAreKeptFifteenMinutesThenDropped() throws {
        let harness = try Harness()
        harness.step(minute: 0, unreachable: 1)
        #expect(harness.state == .firing)
        harness.step(minute: 1, unreachable: 0)
        #expect(harness.state == .inactive)
        #expect(harness.rule.activeAlerts.first?.resolvedAt == at(minute: 1))
        for minute in Int64(2)...16 { harness.step(minute: minute, unreachable: 0) }
        #expect(harness.state == .inactive, "15 minutes after resolution it is still kept")
        harness.step(minute: 17, unreachable: 0)
        #expect(harness.rule.activeAlerts.isEmpty)
    }

    @Test func keepFiringForHoldsAFiringAlert() throws {
        let harness = try Harness(keepFiringFor: .minutes(3))
        harness.step(minute: 0, unreachable: 1)
        harness.step(minute: 1, unreachable: 0)
        #expect(harness.state == .firing)
        #expect(harness.rule.activeAlerts.first?.keepFiringSince == at(minute: 1))
        harness.step(minute: 3, unreachable: 0)
        #expect(harness.state == .firing)
        harness.step(minute: 4, unreachable: 0)
        #expect(harness.state == .inactive)
        #expect(harness.rule.activeAlerts.first?.resolvedAt == at(minute: 4))
    }

    @Test func alertsSeriesAreWrittenAndGoStaleOnResolution() throws {
        let harness = try Harness(holdDuration: .minutes(1))
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
        let first = harness.step(minute: 0, unreachable: 1).alertsToSend
        #expect(first.map(\.expression) == [#"agent_health{state="unreachable"} == 1"#])
        #expect(first.flatMap(\.alerts).map(\.resolvedAt) == [nil])
        #expect(harness.step(minute: 1, unreachable: 1).alertsToSend.isEmpty, "resend delay is 1m")
        let resent = harness.step(minute: 2, unreachable: 1).alertsToSend.flatMap(\.alerts)
        #expect(resent.first?.firedAt == at(minute: 0))
        #expect(resent.first?.lastSentAt == at(minute: 2))
        #expect(resent.first?.validUntil == at(minute: 2) + 4 * .minutes(1))
        let resolved = harness.step(minute: 3, unreachable: 0).alertsToSend.flatMap(\.alerts)
        #expect(resolved.map(\.resolvedAt) == [at(minute: 3)])
    }

    @Test func restoredAlertsContinueTheirHoldTimer() throws {
        let before = try Harness(holdDuration: .minutes(5))
        before.step(minute: 0, unreachable: 1)
        before.step(minute: 1, unreachable: 1)
        let saved = before.rule.activeAlerts
        let after = try Harness(holdDuration: .minutes(5))
        after.rule.restore(saved)
        after.step(minute: 5, unreachable: 1)
        #expect(after.state == .firing, "activeAt 0 survived the restart, so 5 minutes have passed")
    }

    @Test func queryErrorsMakeTheRuleUnhealthy() throws {
        let harness = try Harness(expr: "agent_health{state=\"unreachable\"} + ignoring(state) agent_health")
        harness.store.append(
            Labels(["__name__": "agent_health", "agent": "w-1", "state": "healthy"]), timestamp: 0, value: 0)
        let result = harness.step(minute: 0, unreachable: 1)
        #expect(result.failures == 1)
        #expect(harness.rule.status.health == .err)
        #expect(harness.rule.status.lastError?.isEmpty == false)
    }
}

@Suite struct ForStateRestorationTests {
    private func group(holdDuration: PrometheusDuration) throws -> (RuleGroup, AlertingRule) {
        let rule = try AlertingRule(name: "Down", expression: Parser.parse("agent_up == 0"), holdDuration: holdDuration)
        return (RuleGroup(name: "g", file: "r.yml", interval: .minutes(1), rules: [.alerting(rule)]), rule)
    }

    private func agentDown(_ store: MemorySeriesStore, minutes: ClosedRange<Int64>) {
        for minute in minutes {
            store.append(
                Labels(["__name__": "agent_up", "agent": "a"]), timestamp: at(minute: minute).milliseconds,
                value: 0)
        }
    }

    @Test func firingAlertFiresAgainRightAfterARestart() throws {
        let store = MemorySeriesStore()
        let (before, _) = try group(holdDuration: .minutes(15))
        agentDown(store, minutes: 0...20)
        for minute in Int64(0)...16 { _ = before.evaluate(at: at(minute: minute), queryable: store, sink: store) }
        // Restart at 20m: a fresh group, same store (it kept ALERTS_FOR_STATE).
        let (after, rule) = try group(holdDuration: .minutes(15))
        after.markForRestoration()
        _ = after.evaluate(at: at(minute: 20), queryable: store, sink: store)
        #expect(rule.activeAlerts.first?.state == .pending)
        after.restoreForState(at: at(minute: 20), queryable: store)
        #expect(rule.activeAlerts.first?.activeAt == at(minute: 0))
        _ = after.evaluate(at: at(minute: 21), queryable: store, sink: store)
        #expect(rule.activeAlerts.first?.state == .firing)
    }

    @Test func pendingTimeBeforeTheOutageCountsAndTheDowntimeDoesNot() throws {
        let store = MemorySeriesStore()
        let (before, _) = try group(holdDuration: .minutes(30))
        agentDown(store, minutes: 0...40)
        for minute in Int64(0)...5 { _ = before.evaluate(at: at(minute: minute), queryable: store, sink: store) }
        let (after, rule) = try group(holdDuration: .minutes(30))
        after.markForRestoration()
        _ = after.evaluate(at: at(minute: 10), queryable: store, sink: store)
        after.restoreForState(at: at(minute: 10), queryable: store)
        // Pending 5 of 30 minutes before going down at 5m; 25 remain from the restart at 10m.
        #expect(rule.activeAlerts.first?.activeAt == at(minute: 5))
    }
}
