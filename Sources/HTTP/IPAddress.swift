#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Text forms of socket addresses and the loopback test behind ``HTTPRequest/isFromLoopback``.
enum IPAddress {
    /// Whether `text` is an address in 127.0.0.0/8, `::1`, or an IPv4-mapped 127.x address.
    static func isLoopback(_ text: String) -> Bool {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return firstOctet(v4) == 127
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return false }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        let loopback: [UInt8] = Array(repeating: 0, count: 15) + [1]
        let mappedPrefix: [UInt8] = Array(repeating: 0, count: 10) + [0xFF, 0xFF]
        return bytes == loopback || (Array(bytes[0..<12]) == mappedPrefix && bytes[12] == 127)
    }

    /// The peer's numeric text form and whether it is a loopback address; `(nil, false)` for
    /// a missing address or one that is neither IPv4 nor IPv6.
    static func describe(_ address: UnsafePointer<sockaddr>?) -> (text: String?, isLoopback: Bool) {
        guard let address else { return (nil, false) }
        let raw = UnsafeRawPointer(address)
        switch Int32(address.pointee.sa_family) {
        case AF_INET:
            let v4 = raw.loadUnaligned(as: sockaddr_in.self).sin_addr
            return (dottedQuad(v4), firstOctet(v4) == 127)
        case AF_INET6:
            var v6 = raw.loadUnaligned(as: sockaddr_in6.self).sin6_addr
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
            guard inet_ntop(AF_INET6, &v6, &buffer, socklen_t(buffer.count)) != nil else { return (nil, false) }
            let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return (text, isLoopback(text))
        default:
            return (nil, false)
        }
    }

    /// `a.b.c.d` for an IPv4 address, built in place (no `printf`, no heap for the text).
    private static func dottedQuad(_ address: in_addr) -> String {
        String(unsafeUninitializedCapacity: 15) { text in
            var count = 0
            func append(_ byte: UInt8) {
                text[count] = byte
                count += 1
            }
            withUnsafeBytes(of: address.s_addr) { octets in
                for (index, octet) in octets.enumerated() {
                    if index > 0 { append(UInt8(ascii: ".")) }
                    if octet >= 100 { append(UInt8(ascii: "0") + octet / 100) }
                    if octet >= 10 { append(UInt8(ascii: "0") + octet / 10 % 10) }
                    append(UInt8(ascii: "0") + octet % 10)
                }
            }
            return count
        }
    }

    private static func firstOctet(_ address: in_addr) -> UInt8 {
        withUnsafeBytes(of: address.s_addr) { $0[0] }
    }
}
