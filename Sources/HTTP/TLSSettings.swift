import CMicroHTTPD

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What the server needs to speak TLS: its certificate and key, the client-certificate policy and the
/// protocol versions (exporter-toolkit's `tls_server_config`, with the files already read).
public struct TLSSettings: Sendable, Equatable {
    /// exporter-toolkit's `client_auth_type`, with Go's meaning (`crypto/tls.ClientAuthType`).
    public enum ClientAuth: String, Sendable, CaseIterable {
        /// No client certificate is asked for.
        case noClientCert = "NoClientCert"
        /// One is asked for; none, or any, is accepted.
        case requestClientCert = "RequestClientCert"
        /// One must be sent; it is not verified.
        case requireAnyClientCert = "RequireAnyClientCert"
        /// One that is sent must chain to the client CA; none is accepted.
        case verifyClientCertIfGiven = "VerifyClientCertIfGiven"
        /// One must be sent and chain to the client CA.
        case requireAndVerifyClientCert = "RequireAndVerifyClientCert"

        /// Whether a certificate that is sent is checked against the client CA.
        public var verifies: Bool { self == .verifyClientCertIfGiven || self == .requireAndVerifyClientCert }

        var cValue: Int32 {
            switch self {
            case .noClientCert: Int32(HB_NO_CLIENT_CERT.rawValue)
            case .requestClientCert: Int32(HB_REQUEST_CLIENT_CERT.rawValue)
            case .requireAnyClientCert: Int32(HB_REQUIRE_ANY_CLIENT_CERT.rawValue)
            case .verifyClientCertIfGiven: Int32(HB_VERIFY_CLIENT_CERT_IF_GIVEN.rawValue)
            case .requireAndVerifyClientCert: Int32(HB_REQUIRE_AND_VERIFY_CLIENT_CERT.rawValue)
            }
        }
    }

    /// A TLS protocol version, named as exporter-toolkit names it (`TLS12`).
    public enum Version: String, Sendable, Comparable, CaseIterable {
        /// TLS 1.0.
        case tls10 = "TLS10"
        /// TLS 1.1.
        case tls11 = "TLS11"
        /// TLS 1.2.
        case tls12 = "TLS12"
        /// TLS 1.3.
        case tls13 = "TLS13"

        var gnuTLSName: String {
            switch self {
            case .tls10: "VERS-TLS1.0"
            case .tls11: "VERS-TLS1.1"
            case .tls12: "VERS-TLS1.2"
            case .tls13: "VERS-TLS1.3"
            }
        }

        private var order: Int { Self.allCases.firstIndex(of: self) ?? 0 }

        /// Older versions sort first.
        public static func < (lhs: Version, rhs: Version) -> Bool { lhs.order < rhs.order }
    }

    /// The server certificate chain, PEM.
    public var certificatePEM: String
    /// The server's private key, PEM.
    public var keyPEM: String
    /// The CA certificates client certificates must chain to, PEM; nil without `client_ca_file`.
    public var clientCAPEM: String?
    /// The client-certificate policy.
    public var clientAuth: ClientAuth
    /// The oldest protocol version accepted (exporter-toolkit's default: TLS 1.2).
    public var minVersion: Version
    /// The newest protocol version offered (default: TLS 1.3).
    public var maxVersion: Version
    /// Whether the server's cipher-suite order wins over the client's (default: true).
    public var preferServerCipherSuites: Bool

    /// Creates settings; the defaults are exporter-toolkit's.
    public init(
        certificatePEM: String, keyPEM: String, clientCAPEM: String? = nil, clientAuth: ClientAuth = .noClientCert,
        minVersion: Version = .tls12, maxVersion: Version = .tls13, preferServerCipherSuites: Bool = true
    ) {
        self.certificatePEM = certificatePEM
        self.keyPEM = keyPEM
        self.clientCAPEM = clientCAPEM
        self.clientAuth = clientAuth
        self.minVersion = minVersion
        self.maxVersion = maxVersion
        self.preferServerCipherSuites = preferServerCipherSuites
    }

    /// The GnuTLS priority string: the `NORMAL` set restricted to the versions from `minVersion` to `maxVersion`.
    public var priorities: String {
        let versions = Version.allCases.filter { $0 >= minVersion && $0 <= maxVersion }
        let enabled = versions.map { ":+\($0.gnuTLSName)" }.joined()
        return "NORMAL:-VERS-ALL\(enabled)" + (preferServerCipherSuites ? ":%SERVER_PRECEDENCE" : "")
    }

    /// Checks what the daemon will load: the key matches the certificate, the client CA file holds a
    /// certificate, the versions make a valid range.
    /// - Throws: ``TLSSettingsError`` with GnuTLS' reason.
    public func validate() throws(TLSSettingsError) {
        guard minVersion <= maxVersion else {
            throw TLSSettingsError("min_version \(minVersion.rawValue) is above max_version \(maxVersion.rawValue)")
        }
        var message = [CChar](repeating: 0, count: 512)
        let status = hb_tls_check(certificatePEM, keyPEM, clientCAPEM, priorities, &message, message.count)
        guard status == 0 else {
            throw TLSSettingsError(
                String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
    }
}

/// TLS settings the server cannot load, with the reason.
public struct TLSSettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, e.g. `cert_file/key_file: The key and certificate do not match.`
    public var description: String

    /// An error saying `description`.
    public init(_ description: String) {
        self.description = description
    }
}

/// The C strings and option list a TLS daemon was started with; they must live as long as the daemon.
final class TLSDaemonOptions {
    private let strings: [UnsafeMutablePointer<CChar>]
    let options: UnsafeMutablePointer<hb_tls_options>

    init(_ settings: TLSSettings) {
        let cert = strdup(settings.certificatePEM)
        let key = strdup(settings.keyPEM)
        let trust = settings.clientCAPEM.map { strdup($0) } ?? nil
        let priorities = strdup(settings.priorities)
        strings = [cert, key, trust, priorities].compactMap { $0 }
        options = .allocate(capacity: 1)
        options.initialize(to: hb_tls_options())
        options.pointee.cert_pem = UnsafePointer(cert)
        options.pointee.key_pem = UnsafePointer(key)
        options.pointee.trust_pem = trust.map { UnsafePointer($0) }
        options.pointee.priorities = UnsafePointer(priorities)
    }

    /// The option list for `hb_mhd_start_daemon`.
    var items: UnsafePointer<MHD_OptionItem>? {
        hb_tls_option_items(options)
    }

    deinit {
        options.deinitialize(count: 1)
        options.deallocate()
        for string in strings { free(string) }
    }
}
