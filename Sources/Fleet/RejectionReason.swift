/// Why a heartbeat was refused, as `heartbeat_exporter_heartbeats_rejected_total{reason}` counts it: a fixed
/// set, so the label stays bounded whatever clients send.
public enum RejectionReason: String, CaseIterable, Sendable, Hashable {
    /// The body is not JSON, or a batch is not an array of at most 1000 heartbeats (400, 422).
    case malformedBody = "malformed_body"
    /// A field is missing, of the wrong type or out of range (422).
    case invalidField = "invalid_field"
    /// A label's name or value is not acceptable (422): a name with a `-`, a reserved name, a value too long.
    case invalidLabel = "invalid_label"
    /// More labels than an agent may have (429).
    case tooManyLabels = "too_many_labels"
    /// A new agent beyond `--agents.max` (429).
    case agentLimit = "agent_limit"
    /// A missing or wrong ingest token (401). The body of such a request is not read: its agent stays unknown.
    case unauthorized

    /// The reason of a heartbeat the decoder refused.
    public init(_ error: HeartbeatError) {
        switch error.kind {
        case .invalidField: self = .invalidField
        case .invalidLabel: self = .invalidLabel
        case .limitReached: self = .tooManyLabels
        }
    }

    /// The reason of a heartbeat the registry refused.
    public init(_ error: RegistryError) {
        switch error {
        case .agentLimitReached: self = .agentLimit
        // A cycle is an invalid field; ingest never throws the others: refusals of operator and recovery calls.
        case .unknownAgent, .notRecoverable, .notRecovering, .dependencyCycle, .noOpenMaintenance: self = .invalidField
        }
    }
}
