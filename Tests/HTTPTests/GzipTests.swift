import CZlib
import HTTP
import Testing

/// Decompresses a gzip stream with zlib, independently of the code under test.
private func gunzip(_ compressed: [UInt8]) -> [UInt8]? {
    var stream = z_stream()
    guard hb_inflate_init_gzip(&stream) == Z_OK else { return nil }
    defer { inflateEnd(&stream) }
    var input = compressed
    var output: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 16384)
    var status = Z_OK
    input.withUnsafeMutableBufferPointer { inputBuffer in
        stream.next_in = inputBuffer.baseAddress
        stream.avail_in = uInt(inputBuffer.count)
        while status == Z_OK {
            status = chunk.withUnsafeMutableBufferPointer { chunkBuffer in
                stream.next_out = chunkBuffer.baseAddress
                stream.avail_out = uInt(chunkBuffer.count)
                return inflate(&stream, Z_NO_FLUSH)
            }
            output.append(contentsOf: chunk.prefix(chunk.count - Int(stream.avail_out)))
        }
    }
    return status == Z_STREAM_END ? output : nil
}

struct GzipTests {
    static let samples: [[UInt8]] = [
        [],
        Array("hello".utf8),
        Array(String(repeating: "agent_up{agent=\"web-1\"} 1\n", count: 5000).utf8),
        (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) },
    ]

    @Test(arguments: samples, [Int32(1), 6, 9])
    func roundTripsThroughZlib(original: [UInt8], level: Int32) throws {
        let compressed = try #require(Gzip.compress(original, level: level))
        #expect(compressed.prefix(2) == [0x1F, 0x8B])
        #expect(gunzip(compressed) == original)
    }

    @Test func repetitiveTextShrinks() throws {
        let text = Array(String(repeating: "heartbeat_agent_up{agent=\"a\"} 1\n", count: 1000).utf8)
        let compressed = try #require(Gzip.compress(text))
        #expect(compressed.count < text.count / 20)
    }

    @Test(arguments: [Int32(10), -2, 100])
    func levelOutOfRangeFails(level: Int32) {
        #expect(Gzip.compress(Array("x".utf8), level: level) == nil)
    }

    @Test(arguments: [
        ("gzip", true),
        ("gzip;q=0", false),
        ("gzip; q=0.0", false),
        ("*", true),
        ("*;q=0", false),
        ("deflate, gzip;q=0.5", true),
        ("identity", false),
        ("deflate, br", false),
        ("GZIP", true),
        ("x-gzip", true),
        ("gzip;q=0, *", false),
        ("*;q=0, gzip", true),
        ("br, *;q=0.1", true),
        ("", false),
    ])
    func acceptEncodingTable(header: String, accepted: Bool) {
        #expect(Gzip.accepts(header) == accepted)
    }

    @Test func missingAcceptEncodingMeansNoGzip() {
        #expect(!Gzip.accepts(nil))
    }
}
