import Foundation
import Synchronization

/// The names the exporter answers to in the `Host` header, so that a web page whose domain was re-pointed at this
/// machine (DNS rebinding) cannot read or write the API through a browser on it.
///
/// Accepted always: IP address literals (a page can only send one as its Host when it was itself loaded from
/// that address, i.e. from the exporter) and `localhost` (with its subdomains, which resolve to loopback only,
/// RFC 6761). Accepted by configuration: the host of `--web.listen-address` when it is a name, every name of
/// `--web.allowed-hosts`, and the hosts of the exporter's URL (`global.external_url`, else the one derived from
/// the listen address: the machine's host name when it listens on every interface) and of `--web.external-url`.
/// Any other name gets 403 on every endpoint.
final class AllowedHosts: Sendable {
    /// The configured names, lower-cased, without a trailing dot; replaced when the configuration is reloaded.
    private let configured: Mutex<Set<String>>
    /// `Host` header values already judged allowed (at most ``recentLimit``), so that the usual one, sent with every
    /// heartbeat, is not parsed each time; emptied when the configuration changes.
    private let recentlyAllowed = Mutex<Set<String>>([])
    private static let recentLimit = 64

    /// The names that `config` and `options` allow.
    init(config: ExporterConfig, options: ExporterOptions) {
        configured = Mutex(Self.configuredNames(config: config, options: options))
    }

    /// Puts the names of a reloaded configuration in force.
    func update(config: ExporterConfig, options: ExporterOptions) {
        let fresh = Self.configuredNames(config: config, options: options)
        configured.withLock { $0 = fresh }
        recentlyAllowed.withLock { $0 = [] }
    }

    /// The configured names, sorted (IP addresses and `localhost` are accepted besides).
    var names: [String] { configured.withLock { $0.sorted() } }

    /// Whether a request whose `Host` header is `host` (`name`, `name:port`, `[v6]:port`) may be answered.
    func allows(_ host: String) -> Bool {
        if recentlyAllowed.withLock({ $0.contains(host) }) { return true }
        guard let name = Self.hostName(host) else { return false }
        let allowed =
            Self.isAddressLiteral(name) || name == "localhost" || name.hasSuffix(".localhost")
            || configured.withLock { $0.contains(name) }
        if allowed {
            recentlyAllowed.withLock { recent in
                if recent.count < Self.recentLimit { recent.insert(host) }
            }
        }
        return allowed
    }

    private static func configuredNames(config: ExporterConfig, options: ExporterOptions) -> Set<String> {
        let urls = ExternalURLs(config: config, options: options)
        var hosts = options.allowedHosts
        hosts += [urls.exporter, urls.prometheus].compactMap { $0.flatMap { URL(string: $0)?.host } }
        if let listen = try? options.hostAndPort() { hosts.append(listen.host) }
        return Set(hosts.compactMap(normalized).filter { !isAddressLiteral($0) })
    }

    /// The host of a `Host` header value, lower-cased, without port, brackets or trailing dot; nil when empty.
    static func hostName(_ header: String) -> String? {
        var host = Substring(header)  // libmicrohttpd has trimmed the value
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            host = host[host.index(after: host.startIndex)..<close]
        } else if let colon = host.lastIndex(of: ":") {
            host = host[..<colon]
        }
        return normalized(String(host))
    }

    private static func normalized(_ name: String) -> String? {
        var name = name.lowercased()
        while name.hasSuffix(".") { name.removeLast() }
        return name.isEmpty ? nil : name
    }

    private static func isAddressLiteral(_ name: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, name, &v4) == 1 || inet_pton(AF_INET6, name, &v6) == 1
    }
}
