import Model

extension HeartbeatDecoder {
    /// The run fields of a beat: `run` (`"start"` or `"finish"`), `max_runtime_seconds` (of a start), `exit_code`
    /// (0…255) and `output` (the last ``HeartbeatLimits/maxRunOutputBytes`` are kept, longer output is cut at its
    /// start). `"run": "finish"` needs a task outcome or an `exit_code` to say how the run ended.
    func run(_ fields: FieldReader, tasks: [TaskReport]) throws(HeartbeatError) -> RunSignal {
        var signal = RunSignal()
        if let text = try fields.text("run", maxBytes: 16) {
            guard let phase = RunSignal.Phase(rawValue: text) else {
                let allowed = RunSignal.Phase.allCases.map(\.rawValue).joined(separator: ", ")
                throw HeartbeatError(field: fields.path("run"), rule: "must be one of \(allowed)")
            }
            signal.phase = phase
        }
        signal.maxRuntime = try maxRuntime(fields)
        signal.exitCode = try fields.integer("exit_code", max: 255).map { Int($0) }
        signal.output = try tail(fields, "output", maxBytes: limits.maxRunOutputBytes)
        if signal.phase == .finish, tasks.isEmpty, signal.exitCode == nil {
            throw HeartbeatError(
                field: fields.path("run"), rule: "a finish needs a task outcome (tasks) or an exit_code")
        }
        if signal.phase == .start, signal.exitCode != nil {
            throw HeartbeatError(field: fields.path("exit_code"), rule: "belongs to a finish, not a start")
        }
        return signal
    }

    /// `max_runtime_seconds`: above 0, at most ``HeartbeatLimits/maxRuntimeSeconds``.
    func maxRuntime(_ fields: FieldReader) throws(HeartbeatError) -> PrometheusDuration? {
        guard let seconds = try fields.number("max_runtime_seconds", in: 0...limits.maxRuntimeSeconds) else {
            return nil
        }
        guard seconds > 0 else {
            throw HeartbeatError(field: fields.path("max_runtime_seconds"), rule: "must be above 0")
        }
        return .seconds(seconds)
    }

    /// A string's last `maxBytes` bytes of UTF-8, cut at a character boundary; nil when absent or empty.
    private func tail(_ fields: FieldReader, _ key: String, maxBytes: Int) throws(HeartbeatError) -> String? {
        guard let text = try fields.text(key, maxBytes: .max, allowEmpty: true), !text.isEmpty else { return nil }
        guard text.utf8.count > maxBytes else { return text }
        var kept: [Character] = []
        var bytes = 0
        for character in text.reversed() {
            bytes += character.utf8.count
            guard bytes <= maxBytes else { break }
            kept.append(character)
        }
        return String(kept.reversed())
    }
}
