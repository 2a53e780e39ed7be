import HTTP

/// The HTML status page of DESIGN §4: `GET /` (the fleet, alerts, silences), `GET /agents/{agent}` (one agent
/// and its history) and the stylesheet, scripts and icon they load from `/static/…`.
///
/// Everything is served from memory; nothing is loaded from another origin. The pages are static shells: their
/// scripts fetch the JSON API and fill the page with `textContent`, so no data ever reaches the HTML parser.
/// Every response carries a Content-Security-Policy of `default-src 'self'` with no inline scripts or styles.
struct StatusPage: Sendable {
    /// The files under `/static/`, by the fingerprinted name they are served at.
    private let assets: [String: WebAsset]
    private let fleetHTML: [UInt8]
    private let agentHTML: [UInt8]

    /// What every page and file is sent with: a strict policy, no sniffing, no framing, no referrer.
    static let securityHeaders: [(String, String)] = [
        (
            "Content-Security-Policy",
            "default-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'"
        ),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "no-referrer"),
    ]

    init() {
        let files = WebFiles.all
        assets = Dictionary(files.map { ($0.fingerprintedName, $0) }, uniquingKeysWith: { first, _ in first })
        let urls = Dictionary(
            files.map { ($0.name, "static/" + $0.fingerprintedName) }, uniquingKeysWith: { first, _ in first })
        fleetHTML = Array(PageHTML.fleet(root: "./", assetURLs: urls).utf8)
        agentHTML = Array(PageHTML.agent(root: "../", assetURLs: urls).utf8)
    }

    /// `GET /`: the fleet page.
    func fleet(_ request: HTTPRequest) -> HTTPResponse {
        page(fleetHTML)
    }

    /// `GET /agents/{agent}`: one agent's page (its script reads the name from the URL).
    func agent(_ request: HTTPRequest) -> HTTPResponse {
        page(agentHTML)
    }

    /// `GET /static/{file}`: a stylesheet, script or icon, cacheable for a year (its name changes with it).
    func asset(_ name: String) -> HTTPResponse {
        guard let asset = assets[name] else {
            return APIResponse.error(404, "no static file \"\(name)\"")
        }
        let headers = [("Content-Type", asset.contentType), ("Cache-Control", "public, max-age=31536000, immutable")]
        return HTTPResponse(status: 200, headers: headers + Self.securityHeaders, body: asset.bytes)
    }

    /// A page shell: never cached without asking, so a new exporter version is picked up at once.
    private func page(_ html: [UInt8]) -> HTTPResponse {
        let headers = [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-cache")]
        return HTTPResponse(status: 200, headers: headers + Self.securityHeaders, body: html)
    }
}
