import Model

/// Alertmanager's identity of a label set: FNV-1a 64 over the label names in order, each name and value
/// followed by a 0xff byte (Prometheus' `model.LabelSet.Fingerprint`).
public struct Fingerprint: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The hash.
    public let value: UInt64

    /// Wraps a hash value.
    public init(_ value: UInt64) {
        self.value = value
    }

    /// The fingerprint of `labels`.
    public init(of labels: Labels) {
        var hash: UInt64 = 14_695_981_039_346_656_037
        for label in labels.labels {
            hash = Self.add(label.name, to: hash)
            hash = Self.add(label.value, to: hash)
        }
        self.value = hash
    }

    /// Parses the 16-hex-digit form; nil when malformed.
    public init?(hex: String) {
        guard hex.count == 16, let value = UInt64(hex, radix: 16) else { return nil }
        self.value = value
    }

    /// 16 lowercase hexadecimal digits, as Alertmanager prints fingerprints.
    public var description: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    public static func < (lhs: Fingerprint, rhs: Fingerprint) -> Bool { lhs.value < rhs.value }

    private static func add(_ text: String, to hash: UInt64) -> UInt64 {
        var hash = hash
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 1_099_511_628_211
        }
        hash ^= 0xff
        return hash &* 1_099_511_628_211
    }
}

extension Labels {
    /// Alertmanager's fingerprint of this label set.
    public var fingerprint: Fingerprint { Fingerprint(of: self) }
}
