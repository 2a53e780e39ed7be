import Alerting
import Model

/// What the rule engine says about one alert at an evaluation (a rule's alert state, as Prometheus keeps it).
public struct RuleAlertObservation: Sendable, Equatable {
    /// The alert's labels.
    public var labels: Labels
    /// Its phase: pending, firing or resolved (Prometheus' inactive).
    public var phase: EpisodePhase
    /// When it became active.
    public var activeAt: Timestamp
    /// When it started firing.
    public var firedAt: Timestamp?
    /// When it resolved.
    public var resolvedAt: Timestamp?
    /// The expression's value at the last evaluation that returned it.
    public var value: Double

    /// Creates an observation.
    public init(
        labels: Labels, phase: EpisodePhase, activeAt: Timestamp, firedAt: Timestamp? = nil,
        resolvedAt: Timestamp? = nil, value: Double
    ) {
        self.labels = labels
        self.phase = phase
        self.activeAt = activeAt
        self.firedAt = firedAt
        self.resolvedAt = resolvedAt
        self.value = value
    }
}

/// The open episodes and the time each spends in each phase, as a pure state machine: the rule engine's
/// observations open, advance and close episodes; the alert router's muting observations say what mutes them.
/// Time is accounted to the phase and muting in force since the previous observation. Changed episodes are
/// collected for the next write (``takeChanged()``).
struct EpisodeBook: Sendable {
    /// An open episode not observed for this long is closed where it was last seen (its rule was removed).
    static let staleAfter = PrometheusDuration.minutes(20)

    private(set) var open: [Fingerprint: AlertEpisode] = [:]
    /// When the rule engine last reported each open episode's alert; unknown for episodes restored until then.
    private var lastObserved: [Fingerprint: Timestamp] = [:]
    private var changed: [String: AlertEpisode] = [:]

    /// Starts with the episodes storage holds open.
    init(open episodes: [AlertEpisode] = []) {
        for episode in episodes where episode.resolvedAt == nil { open[episode.fingerprint] = episode }
    }

    /// Applies the rule engine's view of its alerts at `now`.
    mutating func observe(_ observations: [RuleAlertObservation], at now: Timestamp) {
        for observation in observations { observe(observation, at: now) }
    }

    private mutating func observe(_ observation: RuleAlertObservation, at now: Timestamp) {
        let fingerprint = observation.labels.fingerprint
        lastObserved[fingerprint] = now
        if var episode = open[fingerprint], episode.startedAt != observation.activeAt,
            observation.phase != .resolved
        {
            close(&episode, at: min(now, max(observation.activeAt, episode.accountedUntil)))
            open[fingerprint] = nil
        }
        let isNew = open[fingerprint] == nil
        guard var episode = open[fingerprint] ?? opened(observation) else { return }
        let before = episode
        if let firedAt = observation.firedAt, episode.phase == .pending {
            advance(&episode, to: min(max(firedAt, episode.accountedUntil), now))
            episode.phase = .firing
            episode.firedAt = episode.firedAt ?? firedAt
        }
        if observation.value.isFinite {
            episode.peakValue = max(episode.peakValue ?? observation.value, observation.value)
        }
        if observation.phase == .resolved {
            close(&episode, at: max(observation.resolvedAt ?? now, episode.accountedUntil))
            open[fingerprint] = nil
            lastObserved[fingerprint] = nil
            return
        }
        advance(&episode, to: now)
        open[fingerprint] = episode
        // Time alone is written by accountAll; a new episode, a phase or a peak at once.
        if isNew || before.phase != episode.phase || before.peakValue != episode.peakValue {
            changed[episode.id] = episode
        }
    }

    /// A new episode for an alert seen pending or firing; nil for a resolution of an episode not open.
    private func opened(_ observation: RuleAlertObservation) -> AlertEpisode? {
        guard observation.phase != .resolved else { return nil }
        return AlertEpisode(labels: observation.labels, startedAt: observation.activeAt)
    }

    /// Applies what mutes the open firing episodes at `now` (every alert the router holds; absent means unmuted).
    mutating func observeMuting(_ muting: [Fingerprint: EpisodeMuting], at now: Timestamp) {
        for (fingerprint, var episode) in open where episode.phase == .firing {
            let current = muting[fingerprint] ?? []
            guard current != episode.muting else { continue }
            advance(&episode, to: now)
            episode.muting = current
            open[fingerprint] = episode
            changed[episode.id] = episode
        }
    }

    /// Brings every open episode's times up to `now` for the next write, and closes those the rule engine has not
    /// reported for ``staleAfter`` where they were last reported.
    mutating func accountAll(at now: Timestamp) {
        for (fingerprint, var episode) in open {
            let seen = lastObserved[fingerprint] ?? now
            lastObserved[fingerprint] = seen
            if seen + Self.staleAfter <= now {
                close(&episode, at: max(seen, episode.startedAt))
                open[fingerprint] = nil
                lastObserved[fingerprint] = nil
            } else {
                advance(&episode, to: now)
                open[fingerprint] = episode
                changed[episode.id] = episode
            }
        }
    }

    /// The episodes changed since the last call.
    mutating func takeChanged() -> [AlertEpisode] {
        defer { changed = [:] }
        return changed.values.sorted { $0.id < $1.id }
    }

    private func advance(_ episode: inout AlertEpisode, to time: Timestamp) {
        guard time > episode.accountedUntil else { return }
        episode.times.add(time - episode.accountedUntil, phase: episode.phase, muting: episode.muting)
        episode.accountedUntil = time
    }

    private mutating func close(_ episode: inout AlertEpisode, at time: Timestamp) {
        advance(&episode, to: time)
        episode.phase = .resolved
        episode.muting = []
        episode.resolvedAt = max(time, episode.startedAt)
        changed[episode.id] = episode
    }
}
