import CCurl
import Dispatch
import Foundation

/// How to reach an exporter that serves https with a private CA, asks for a client certificate or for basic auth
/// (its `--web.config.file`).
public struct ExporterCredentials: Sendable, Equatable {
    /// PEM file of the CA that signed the exporter's certificate; nil trusts the system's CAs.
    public var caFile: String?
    /// A client certificate (PEM) and its key, for an exporter whose `client_auth_type` asks for one.
    public var certFile: String?
    /// The key of ``certFile``.
    public var keyFile: String?
    /// User and password of the exporter's `basic_auth_users`. The token then travels in `X-Heartbeat-Token`,
    /// since `Authorization` carries these.
    public var basicAuth: (user: String, password: String)? {
        get { basicAuthPair.map { ($0.user, $0.password) } }
        set { basicAuthPair = newValue.map { Pair(user: $0.user, password: $0.password) } }
    }

    private struct Pair: Sendable, Equatable {
        var user: String
        var password: String
    }

    private var basicAuthPair: Pair?

    /// Credentials; every part is optional.
    public init(
        caFile: String? = nil, certFile: String? = nil, keyFile: String? = nil,
        basicAuth: (user: String, password: String)? = nil
    ) {
        self.caFile = caFile
        self.certFile = certFile
        self.keyFile = keyFile
        self.basicAuth = basicAuth
    }
}

/// A transport on libcurl, for https with a private CA, a client certificate and basic auth.
///
/// On Linux, FoundationNetworking's `URLSession` cannot be told which CA to trust nor which client certificate to
/// present (its delegate's challenge handling is not implemented there); libcurl, which `URLSession` itself uses
/// underneath, takes both directly (`CURLOPT_CAINFO`, `CURLOPT_SSLCERT`).
///
/// ```swift
/// let transport = CurlTransport(credentials: .init(caFile: "/etc/hx/ca.crt", basicAuth: ("agents", password)))
/// let client = try HeartbeatClient(url: URL(string: "https://hx:9747")!, agent: "worker-1", transport: transport)
/// ```
public struct CurlTransport: HeartbeatTransport {
    /// The CA, client certificate and basic-auth credentials used for every request.
    public let credentials: ExporterCredentials

    /// A transport presenting `credentials`.
    public init(credentials: ExporterCredentials = ExporterCredentials()) {
        self.credentials = credentials
    }

    /// POSTs `body` as JSON; throws ``CurlError`` when no HTTP reply came back.
    public func post(_ url: URL, body: Data, token: String?, timeout: Duration) async throws -> HTTPReply {
        try await send("POST", url, body: body, token: token, timeout: timeout)
    }

    /// Sends one request (JSON body when `body` is set) with the token and credentials; runs libcurl's blocking
    /// call off the caller's executor.
    /// - Throws: ``CurlError`` when no HTTP reply came back (refused, certificate not trusted, timeout).
    public func send(_ method: String, _ url: URL, body: Data? = nil, token: String?, timeout: Duration) async throws
        -> HTTPReply
    {
        let request = self
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(
                    with: Result { try request.perform(method, url, body: body, token: token, timeout: timeout) })
            }
        }
    }

    /// The header lines a request carries: JSON content type, and the token as `Authorization: Bearer` or, beside
    /// basic auth, as `X-Heartbeat-Token`.
    func headerLines(hasBody: Bool, token: String?) -> [String] {
        var lines = hasBody ? ["Content-Type: application/json"] : []
        if let token {
            lines.append(
                credentials.basicAuth == nil ? "Authorization: Bearer \(token)" : "X-Heartbeat-Token: \(token)")
        }
        return lines
    }

    private func perform(_ method: String, _ url: URL, body: Data?, token: String?, timeout: Duration) throws
        -> HTTPReply
    {
        let headers = headerLines(hasBody: body != nil, token: token).map { strdup($0) }
        defer { headers.forEach { free($0) } }
        let userPassword = credentials.basicAuth.map { "\($0.user):\($0.password)" }
        let bodyBytes = body.map { [UInt8]($0) + [0] }
        var reply = hb_curl_reply()
        let status: Int32 = withOptionalCString(credentials.caFile) { ca in
            withOptionalCString(credentials.certFile) { cert in
                withOptionalCString(credentials.keyFile) { key in
                    withOptionalCString(userPassword) { userPassword in
                        headers.map { UnsafePointer($0) }.withUnsafeBufferPointer { headerPointers in
                            bodyBytes.withOptionalBytes { bodyPointer in
                                var request = hb_curl_request(
                                    url: nil, method: nil, body: bodyPointer, body_length: body?.count ?? 0,
                                    headers: headerPointers.baseAddress, header_count: headerPointers.count,
                                    timeout_ms: Int(max(timeout.seconds * 1000, 1)), ca_file: ca, cert_file: cert,
                                    key_file: key, user_password: userPassword)
                                return url.absoluteString.withCString { urlPointer in
                                    method.withCString { methodPointer in
                                        request.url = urlPointer
                                        request.method = methodPointer
                                        return hb_curl_perform(&request, &reply)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        defer { hb_curl_reply_free(&reply) }
        guard status == 0 else {
            let message = withUnsafeBytes(of: reply.error) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            throw CurlError(code: Int(status), message: message)
        }
        let data = reply.body.map { Data(bytes: $0, count: reply.body_length) } ?? Data()
        return HTTPReply(status: reply.status, body: data)
    }
}

/// libcurl got no HTTP reply: the connection was refused, the server's certificate was not trusted, the
/// handshake failed or the time ran out.
public struct CurlError: Error, Sendable, CustomStringConvertible {
    /// libcurl's `CURLcode`.
    public var code: Int
    /// libcurl's message, e.g. "SSL certificate problem: unable to get local issuer certificate".
    public var message: String

    /// libcurl's message.
    public var description: String { message }
}

private func withOptionalCString<R>(_ string: String?, _ body: (UnsafePointer<CChar>?) throws -> R) rethrows -> R {
    guard let string else { return try body(nil) }
    return try string.withCString(body)
}

extension Optional where Wrapped == [UInt8] {
    fileprivate func withOptionalBytes<R>(_ body: (UnsafePointer<CChar>?) throws -> R) rethrows -> R {
        guard let bytes = self else { return try body(nil) }
        return try bytes.withUnsafeBufferPointer { buffer in
            try buffer.withMemoryRebound(to: CChar.self) { try body($0.baseAddress) }
        }
    }
}
