#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A bound, listening, non-blocking TCP socket, created before libmicrohttpd starts so that
/// bind errors (address in use, no permission) reach the caller with their cause.
struct ListeningSocket {
    let descriptor: Int32
    let port: UInt16
    let isIPv6: Bool

    /// Resolves `host` (numeric or a name), binds `port` (0 picks a free port) and listens.
    init(host: String, port: UInt16, backlog: Int32) throws(HTTPServerError) {
        let address = HTTPServerError.address(host: host, port: port)
        let info = try Self.resolve(host: host, port: port)
        defer { freeaddrinfo(info) }
        let family = info.pointee.ai_family
        let descriptor = socket(family, info.pointee.ai_socktype, info.pointee.ai_protocol)
        guard descriptor >= 0 else { throw .cannotListen(address: address, reason: Self.lastError()) }
        var enable: Int32 = 1
        _ = setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &enable, socklen_t(MemoryLayout<Int32>.size))
        guard bind(descriptor, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0,
            listen(descriptor, backlog) == 0,
            fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK) == 0,
            let boundPort = Self.boundPort(of: descriptor)
        else {
            let reason = Self.lastError()
            close(descriptor)
            throw .cannotListen(address: address, reason: reason)
        }
        self.descriptor = descriptor
        self.port = boundPort
        self.isIPv6 = family == AF_INET6
    }

    private static func resolve(host: String, port: UInt16) throws(HTTPServerError) -> UnsafeMutablePointer<addrinfo> {
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &result)
        guard status == 0, let result else {
            throw .invalidHost(host: host, reason: String(cString: gai_strerror(status)))
        }
        return result
    }

    private static func boundPort(of descriptor: Int32) -> UInt16? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let status = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard status == 0 else { return nil }
        return withUnsafeBytes(of: storage) { raw in
            switch Int32(storage.ss_family) {
            case AF_INET: UInt16(bigEndian: raw.loadUnaligned(as: sockaddr_in.self).sin_port)
            case AF_INET6: UInt16(bigEndian: raw.loadUnaligned(as: sockaddr_in6.self).sin6_port)
            default: nil
            }
        }
    }

    private static func lastError() -> String {
        String(cString: strerror(errno))
    }
}
