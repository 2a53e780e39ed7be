import Model
import PromQL
import Rules

extension RuleEngine {
    /// The series whose value changes when an agent changes health state (``AgentRegistry/sweep(at:)``).
    public static let stateSeriesNames: Set<String> = ["agent_health", "agent_up"]

    /// Brings forward the next evaluation of every group that reads an agent's state (``stateSeriesNames``: an
    /// agent just changed state, so their alerts can change now rather than at the next tick), to the clock's
    /// current time or, if the group was evaluated less than a third of its interval ago, to a third of its
    /// interval after that evaluation. A group evaluated early is next due one interval later, as after any evaluation, so a fleet
    /// that keeps changing state costs those groups at most three evaluations per interval.
    public func evaluateGroupsReadingStateEarly() {
        let now = clock.now()
        state.withLock { state in
            for index in state.scheduled.indices {
                let scheduled = state.scheduled[index]
                guard let next = scheduled.nextEvaluation, next > now, scheduled.readsState else { continue }
                let interval = max(scheduled.group.interval, .milliseconds(1))
                let earliest = next - interval + PrometheusDuration(milliseconds: interval.milliseconds / 3)
                state.scheduled[index].nextEvaluation = max(now, min(next, earliest))
            }
        }
    }

    /// Whether a rule of `group` selects series of one of `names` (a selector without a fixed name counts).
    static func reads(_ group: RuleGroup, anyOf names: Set<String>) -> Bool {
        group.seriesRequirements(defaultSubqueryStep: .minutes(1)).contains { requirement in
            guard
                let name = requirement.matchers.first(where: { $0.name == metricNameLabel && $0.type == .equal })?
                    .value
            else { return true }
            return names.contains(name)
        }
    }
}
