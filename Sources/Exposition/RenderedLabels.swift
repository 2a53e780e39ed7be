/// A label set rendered once into its exposition form, `a="x",b="y"`, ready to be copied into
/// every sample line that uses it.
///
/// Build it when a series is created, not per scrape. Names are written as given and are not
/// checked (validate user-supplied names with ``MetricNaming``); values are escaped.
public struct RenderedLabels: Sendable, Hashable {
    /// The rendered bytes, without braces.
    public let bytes: [UInt8]

    /// The empty label set: samples are written without braces.
    public static let empty = RenderedLabels(bytes: [])

    /// Renders `pairs` in the given order, escaping each value once.
    public init(_ pairs: [(name: String, value: String)]) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(pairs.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 })
        for pair in pairs {
            Self.append(name: pair.name, value: pair.value, to: &bytes)
        }
        self.bytes = bytes
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Whether there are no labels.
    public var isEmpty: Bool { bytes.isEmpty }

    /// This label set with `name="value"` added last.
    public func appending(name: String, value: String) -> RenderedLabels {
        var bytes = self.bytes
        Self.append(name: name, value: value, to: &bytes)
        return RenderedLabels(bytes: bytes)
    }

    /// The rendered form, `a="x",b="y"`.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Appends `,name="escaped value"`; the comma only when `afterLabels` (default: `bytes` is not empty).
    static func append(name: String, value: String, to bytes: inout [UInt8], afterLabels: Bool? = nil) {
        if afterLabels ?? !bytes.isEmpty { bytes.append(UInt8(ascii: ",")) }
        bytes.append(contentsOf: name.utf8)
        bytes.append(UInt8(ascii: "="))
        bytes.append(UInt8(ascii: "\""))
        Escaping.appendEscaped(value, escapingQuotes: true, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }
}
