/// Why ``HTTPServer/start()`` failed.
public enum HTTPServerError: Error, Equatable, CustomStringConvertible {
    /// The host did not resolve to an address; `reason` comes from the resolver.
    case invalidHost(host: String, reason: String)
    /// Creating, binding or listening on the socket failed, e.g. the address is in use.
    case cannotListen(address: String, reason: String)
    /// libmicrohttpd refused to start on the bound socket (its own log says why).
    case daemonStartFailed(address: String)
    /// ``HTTPServer/start()`` was called on a server that was already started.
    case alreadyStarted(address: String)
    /// The server is not running (not started, or shut down).
    case notRunning(address: String)

    /// A message naming the address and the cause.
    public var description: String {
        switch self {
        case .invalidHost(let host, let reason):
            "cannot resolve listen host \"\(host)\": \(reason)"
        case .cannotListen(let address, let reason):
            "cannot listen on \(address): \(reason)"
        case .daemonStartFailed(let address):
            "cannot start the HTTP daemon on \(address)"
        case .alreadyStarted(let address):
            "HTTP server on \(address) was already started"
        case .notRunning(let address):
            "HTTP server on \(address) is not running"
        }
    }

    /// `host:port`, with brackets around an IPv6 host.
    static func address(host: String, port: UInt16) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
