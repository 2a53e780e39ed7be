/// Why a document is not valid JSON, and where.
///
/// Its ``description`` is meant for a 400 response body:
/// `invalid JSON at byte 17: expected ',' or '}' after object member`.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Zero-based index of the offending byte (the input length when the input ended too early).
    public var offset: Int
    /// What is wrong, in a few words.
    public var message: String

    /// Creates an error at `offset` saying `message`.
    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }

    /// `invalid JSON at byte <offset>: <message>`.
    public var description: String { "invalid JSON at byte \(offset): \(message)" }
}
