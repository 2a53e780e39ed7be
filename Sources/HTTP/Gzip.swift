import CZlib

/// gzip compression for responses (`Content-Encoding: gzip`), and the `Accept-Encoding` test.
public enum Gzip {
    /// Compresses `bytes` into one gzip member (RFC 1952).
    ///
    /// - Parameters:
    ///   - bytes: the data to compress.
    ///   - level: zlib level, 0 (store) to 9 (smallest), or -1 for zlib's default.
    /// - Returns: the gzip bytes, or `nil` when `level` is out of range or zlib fails.
    public static func compress(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8]? {
        var stream = z_stream()
        guard hb_deflate_init_gzip(&stream, level) == Z_OK else { return nil }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))))
        var input = bytes
        let status = input.withUnsafeMutableBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                stream.next_in = inputBuffer.baseAddress
                stream.avail_in = uInt(inputBuffer.count)
                stream.next_out = outputBuffer.baseAddress
                stream.avail_out = uInt(outputBuffer.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { return nil }
        output.removeLast(Int(stream.avail_out))
        return output
    }

    /// Whether an `Accept-Encoding` value allows a gzip response (RFC 9110 §12.5.3).
    ///
    /// An explicit `gzip` (or `x-gzip`) entry decides by its weight (`q=0` refuses); without
    /// one, a `*` entry decides; otherwise, and for a missing header, the answer is no.
    public static func accepts(_ acceptEncoding: String?) -> Bool {
        guard let acceptEncoding else { return false }
        var wildcardWeight: Double?
        for entry in acceptEncoding.split(separator: ",") {
            let (coding, weight) = parseEntry(entry)
            if coding == "gzip" || coding == "x-gzip" {
                return weight > 0
            }
            if coding == "*" {
                wildcardWeight = weight
            }
        }
        return (wildcardWeight ?? 0) > 0
    }

    /// Splits `gzip;q=0.5` into its lower-cased coding and its weight (1 when not given,
    /// 0 when the weight does not parse).
    private static func parseEntry(_ entry: Substring) -> (coding: String, weight: Double) {
        let parts = entry.split(separator: ";").map { $0.trimmingSpaces().lowercased() }
        let coding = parts.first ?? ""
        var weight = 1.0
        for parameter in parts.dropFirst() where parameter.hasPrefix("q=") {
            weight = Double(parameter.dropFirst(2)) ?? 0
        }
        return (coding, weight)
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
