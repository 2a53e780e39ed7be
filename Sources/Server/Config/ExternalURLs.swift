import Foundation
import RuleManager

/// The two URLs the exporter writes into what it sends out, and how `--web.external-url` and
/// `global.external_url` decide them.
///
/// - The exporter's own URL, the webhook payload's `externalURL` (Alertmanager's backlink to itself: the exporter
///   routed the notification): `global.external_url`, else `http://<listen host>:<port>` from
///   `--web.listen-address` (the machine's host name when it listens on every interface, as Prometheus does).
/// - The link of each alert (`generatorURL`): `--web.external-url`, the Prometheus that has the same rules,
///   linked to as Prometheus links its own alerts (`<url>/graph?g0.expr=…&g0.tab=1`); without the flag, the
///   exporter's `/api/v1/rules`, which lists every rule with its state and alerts. Templates' `$externalURL` is
///   the same base: the flag's URL, else the exporter's.
public struct ExternalURLs: Sendable, Equatable {
    /// Where the exporter is reached, without a trailing slash.
    public var exporter: String
    /// `--web.external-url`, without a trailing slash; nil when not set.
    public var prometheus: String?

    /// The URLs for `config` and `options`.
    public init(config: ExporterConfig, options: ExporterOptions) {
        exporter = config.global.externalURL.map(Self.trimmed) ?? Self.derived(from: options)
        prometheus = options.externalURL.map(Self.trimmed)
    }

    /// Where each alert links to.
    public var generatorLink: GeneratorLink {
        prometheus.map { .prometheusGraph(base: $0) } ?? .page(exporter + "/api/v1/rules")
    }

    /// `$externalURL` in templates.
    public var templateURL: String { prometheus ?? exporter }

    /// Checks a URL given on the command line: absolute, `http` or `https`, with a host.
    /// - Throws: ``OptionsError`` naming `flag` and the value.
    public static func validate(_ text: String, flag: String) throws(OptionsError) {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            let host = url.host, !host.isEmpty
        else {
            throw OptionsError("\(flag): must be an http or https URL such as http://prometheus:9090, got \"\(text)\"")
        }
    }

    private static func trimmed(_ url: String) -> String {
        var url = url
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    /// `http://<host>:<port>` of `--web.listen-address`.
    private static func derived(from options: ExporterOptions) -> String {
        guard let address = try? options.hostAndPort() else { return "http://\(options.listenAddress)" }
        let (host, port) = address
        let name = ["0.0.0.0", "::", ""].contains(host) ? ProcessInfo.processInfo.hostName : host
        return name.contains(":") ? "http://[\(name)]:\(port)" : "http://\(name):\(port)"
    }
}
