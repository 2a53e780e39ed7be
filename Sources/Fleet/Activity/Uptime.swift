import Model

/// The share of time an agent was up, from its state transitions: the time healthy or degraded over the time not
/// killed, stopped or in maintenance (those are excluded: the agent was not meant to run). Unreachable, recovering
/// and missing count as down. Time before the agent's first transition is not counted.
public enum Uptime {
    /// The states excluded from the denominator.
    public static let excludedStates: Set<HealthState> = [.killed, .stopped, .maintenance]

    /// The uptime ratio (0…1) over `from..<to`, from `transitions` (oldest first; those before `from` give the
    /// state at `from`); nil when no time in the span counts.
    public static func ratio(of transitions: [Transition], from: Timestamp, to: Timestamp) -> Double? {
        var up: Int64 = 0
        var counted: Int64 = 0
        for segment in segments(of: transitions, from: from, to: to) {
            let length = (segment.end - segment.start).milliseconds
            guard !excludedStates.contains(segment.state) else { continue }
            counted += length
            if segment.state.isUp { up += length }
        }
        return counted > 0 ? Double(up) / Double(counted) : nil
    }

    /// The spans of one state each that `transitions` make of `from..<to`, oldest first; the time before the first
    /// transition (state unknown) has none.
    public static func segments(of transitions: [Transition], from: Timestamp, to: Timestamp) -> [StateSegment] {
        guard from < to else { return [] }
        var result: [StateSegment] = []
        var state: HealthState?
        var cursor = from
        for transition in transitions {
            if transition.at <= from {
                state = transition.to
                continue
            }
            if transition.at >= to { break }
            if let state, transition.at > cursor {
                result.append(StateSegment(state: state, start: cursor, end: transition.at))
            }
            state = transition.to
            cursor = transition.at
        }
        if let state, cursor < to { result.append(StateSegment(state: state, start: cursor, end: to)) }
        return result
    }
}

/// A span of time in one state.
public struct StateSegment: Sendable, Equatable {
    /// The state.
    public var state: HealthState
    /// The start (inclusive).
    public var start: Timestamp
    /// The end (exclusive).
    public var end: Timestamp

    /// Creates a segment.
    public init(state: HealthState, start: Timestamp, end: Timestamp) {
        self.state = state
        self.start = start
        self.end = end
    }
}
