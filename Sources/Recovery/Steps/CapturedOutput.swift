/// A command's standard output and standard error, interleaved as written into one pipe, of which only the last
/// bytes are kept.
public struct CapturedOutput: Sendable, Equatable {
    /// The last bytes written (at most the runner's limit).
    public internal(set) var bytes: [UInt8]
    /// Whether earlier bytes were dropped to keep within the limit.
    public internal(set) var truncated: Bool

    /// Output as given.
    public init(bytes: [UInt8] = [], truncated: Bool = false) {
        self.bytes = bytes
        self.truncated = truncated
    }

    /// The bytes as text, invalid UTF-8 (such as a character cut by truncation) replaced by U+FFFD.
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// Collects the last `limit` bytes of a stream.
struct OutputTail {
    let limit: Int
    private(set) var output = CapturedOutput()

    init(limit: Int) { self.limit = max(0, limit) }

    mutating func append(_ chunk: UnsafeRawBufferPointer) {
        guard !chunk.isEmpty else { return }
        output.bytes.append(contentsOf: chunk.suffix(limit))
        let excess = output.bytes.count - limit
        if excess > 0 {
            output.bytes.removeFirst(excess)
            output.truncated = true
        }
        if chunk.count > limit { output.truncated = true }
    }
}
