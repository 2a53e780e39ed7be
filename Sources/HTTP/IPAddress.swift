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

    /// The peer's text form and whether it is a loopback address.
    static func describe(_ address: UnsafePointer<sockaddr>?) -> (text: String?, isLoopback: Bool) {
        guard let address, let text = text(of: address) else { return (nil, false) }
        let isLoopback = Int32(address.pointee.sa_family) == AF_INET ? text.hasPrefix("127.") : isLoopback(text)
        return (text, isLoopback)
    }

    /// The numeric text form of an IPv4 or IPv6 socket address, or `nil` for other families.
    static func text(of address: UnsafePointer<sockaddr>) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let raw = UnsafeRawPointer(address)
        let converted: UnsafePointer<CChar>?
        switch Int32(address.pointee.sa_family) {
        case AF_INET:
            return dottedQuad(raw.loadUnaligned(as: sockaddr_in.self).sin_addr)
        case AF_INET6:
            var v6 = raw.loadUnaligned(as: sockaddr_in6.self).sin6_addr
            converted = inet_ntop(AF_INET6, &v6, &buffer, socklen_t(buffer.count))
        default:
            return nil
        }
        guard converted != nil else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `a.b.c.d` for an IPv4 address, without going through `printf`.
    private static func dottedQuad(_ address: in_addr) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(15)
        withUnsafeBytes(of: address.s_addr) { octets in
            for (index, octet) in octets.enumerated() {
                if index > 0 { text.append(UInt8(ascii: ".")) }
                if octet >= 100 { text.append(UInt8(ascii: "0") + octet / 100) }
                if octet >= 10 { text.append(UInt8(ascii: "0") + octet / 10 % 10) }
                text.append(UInt8(ascii: "0") + octet % 10)
            }
        }
        return String(decoding: text, as: UTF8.self)
    }

    private static func firstOctet(_ address: in_addr) -> UInt8 {
        withUnsafeBytes(of: address.s_addr) { $0[0] }
    }
}
