/// One fuzz target: a name (FUZZ_TARGET, and the folder of its seed corpus under fuzz/corpus/) and the code that
/// feeds one input to a parser.
///
/// A target must not crash, trap, leak or take over a second on any input; a thrown error is a correct
/// answer to bad input. To add a target: write a file with a `static let` like the ones below, list it in
/// ``all``, and put a few seed inputs in `fuzz/corpus/<name>/`; scripts/fuzz runs every target listed here.
struct FuzzTarget: Sendable {
    /// The target's name: the value of FUZZ_TARGET and the folder of its seeds.
    let name: String
    /// Work done once before the first input (shared state the inputs only read).
    var setUp: @Sendable () -> Void = {}
    /// Feeds one input.
    let run: @Sendable ([UInt8]) -> Void

    /// Every target, in the order scripts/fuzz runs them.
    static let all: [FuzzTarget] = [
        .json,
        .heartbeat,
        .heartbeatBatch,
        .silence,
        .matchers,
        .promql,
        .ruleFile,
        .template,
        .config,
        .webConfig,
        .http,
    ]
}

extension String {
    /// The input as text: fuzzers make invalid UTF-8, which the parsers never see (the HTTP layer and file
    /// reading decode with replacement characters the same way).
    init(fuzzInput bytes: [UInt8]) {
        self = String(decoding: bytes, as: UTF8.self)
    }
}
