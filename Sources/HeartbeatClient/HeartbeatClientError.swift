/// A client was misused: a malformed name or an amount out of range. Never thrown because the exporter is
/// unreachable or refuses a beat (those are logged and counted in ``DeliveryStats``).
public struct HeartbeatClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The argument that is wrong.
    public var argument: String
    /// What is wrong with it.
    public var problem: String

    /// An error about `argument`.
    public init(argument: String, problem: String) {
        self.argument = argument
        self.problem = problem
    }

    /// No exporter URL was given.
    static let noURL = HeartbeatClientError(argument: "urls", problem: "must name at least one exporter")

    /// `argument: problem`.
    public var description: String { "\(argument): \(problem)" }

    static func checkName(_ value: String?, argument: String) throws(HeartbeatClientError) {
        guard let value else { return }
        let allowed = value.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":")
                || byte == UInt8(ascii: "-")
        }
        guard allowed, (1...128).contains(value.utf8.count) else {
            throw HeartbeatClientError(
                argument: argument, problem: "must be 1-128 of [A-Za-z0-9_.:-], got \"\(value)\"")
        }
    }

    static func checkAmount(_ value: Double?, argument: String) throws(HeartbeatClientError) {
        guard let value else { return }
        guard value.isFinite, value >= 0 else {
            throw HeartbeatClientError(argument: argument, problem: "must be a finite number >= 0, got \(value)")
        }
    }

    static func checkCount(_ value: Int?, argument: String) throws(HeartbeatClientError) {
        guard let value, value < 0 else { return }
        throw HeartbeatClientError(argument: argument, problem: "must be >= 0, got \(value)")
    }
}
