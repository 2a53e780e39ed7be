/// Dispatches requests to handlers by method and path pattern.
///
/// Patterns are paths whose `{name}` segments match one path segment each, e.g.
/// `/api/v1/agents/{agent}/kill`. Parameters are percent-decoded after the path is split on
/// `/`, so `a%2Fb` arrives as the parameter `a/b`. When several patterns match, the one with a
/// literal segment earliest wins. A `HEAD` request runs the `GET` handler (the transport drops
/// the body). An unknown path gets 404; a known path with another method gets 405 and an
/// `Allow` header; a path with broken percent-encoding gets 400.
public struct Router: HTTPHandler {
    /// Answers one routed request; the dictionary holds the decoded path parameters.
    public typealias RouteHandler = @Sendable (HTTPRequest, [String: String]) -> HTTPResponse
    /// Renders a routing error (status 400, 404 or 405, and a message saying what is wrong).
    public typealias ErrorResponder = @Sendable (Int, String) -> HTTPResponse

    private struct Route: Sendable {
        let method: String
        let pattern: RoutePattern
        let handler: RouteHandler
    }

    private var routes: [Route] = []
    /// Positions in `routes` of the routes without parameters, by exact path: the common case needs no
    /// path splitting.
    private var literalRoutes: [String: [Int]] = [:]
    private let errorResponse: ErrorResponder

    /// Creates an empty router.
    ///
    /// - Parameter errorResponse: renders 400/404/405 answers; defaults to plain text. The
    ///   router adds the `Allow` header to a 405 itself.
    public init(errorResponse: @escaping ErrorResponder = { HTTPResponse.text($0, $1) }) {
        self.errorResponse = errorResponse
    }

    /// Adds a route. A later route with the same method and pattern never runs.
    public mutating func add(_ method: HTTPMethod, _ pattern: String, _ handler: @escaping RouteHandler) {
        let route = Route(method: method.rawValue, pattern: RoutePattern(pattern), handler: handler)
        if route.pattern.isLiteral { literalRoutes[pattern, default: []].append(routes.count) }
        routes.append(route)
    }

    /// Adds a `GET` route (which also answers `HEAD`).
    public mutating func get(_ pattern: String, _ handler: @escaping RouteHandler) {
        add(.GET, pattern, handler)
    }

    /// Adds a `POST` route.
    public mutating func post(_ pattern: String, _ handler: @escaping RouteHandler) {
        add(.POST, pattern, handler)
    }

    /// Adds a `PUT` route.
    public mutating func put(_ pattern: String, _ handler: @escaping RouteHandler) {
        add(.PUT, pattern, handler)
    }

    /// Adds a `DELETE` route.
    public mutating func delete(_ pattern: String, _ handler: @escaping RouteHandler) {
        add(.DELETE, pattern, handler)
    }

    /// Routes `request` to its handler, or answers 400, 404 or 405.
    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        if let positions = literalRoutes[request.rawPath], let route = literalRoute(at: positions, for: request.method)
        {
            return route.handler(request, [:])
        }
        guard let segments = Self.decodedSegments(of: request.rawPath) else {
            return errorResponse(400, "invalid percent-encoding in path \(request.rawPath)")
        }
        let matches = routes.compactMap { route in route.pattern.match(segments).map { (route, $0) } }
        guard !matches.isEmpty else {
            return errorResponse(404, "no route for path \(request.path)")
        }
        let wanted = request.method == HTTPMethod.HEAD.rawValue ? [request.method, "GET"] : [request.method]
        for method in wanted {
            if let (route, parameters) = mostSpecific(matches.filter { $0.0.method == method }) {
                return route.handler(request, parameters)
            }
        }
        return methodNotAllowed(request, allowed: matches.map(\.0.method))
    }

    private func mostSpecific(_ matches: [(Route, [String: String])]) -> (Route, [String: String])? {
        matches.reduce(nil) { best, candidate in
            guard let best else { return candidate }
            return candidate.0.pattern.isMoreSpecific(than: best.0.pattern) ? candidate : best
        }
    }

    /// The first of the literal routes at `positions` for `method` (`HEAD` falls back to `GET`).
    private func literalRoute(at positions: [Int], for method: String) -> Route? {
        let wanted = method == HTTPMethod.HEAD.rawValue ? [method, HTTPMethod.GET.rawValue] : [method]
        for candidate in wanted {
            if let position = positions.first(where: { routes[$0].method == candidate }) { return routes[position] }
        }
        return nil
    }

    private func methodNotAllowed(_ request: HTTPRequest, allowed methods: [String]) -> HTTPResponse {
        var allowed = methods.contains("GET") ? methods + ["HEAD"] : methods
        allowed = HTTPMethod.allCases.map(\.rawValue).filter(allowed.contains)
        let allow = allowed.joined(separator: ", ")
        var response = errorResponse(405, "method \(request.method) not allowed for \(request.path); allowed: \(allow)")
        response.headers.append(("Allow", allow))
        return response
    }

    /// The path split on `/` (without the leading empty segment), each segment decoded;
    /// `nil` when a segment has broken percent-encoding.
    private static func decodedSegments(of rawPath: String) -> [String]? {
        var decoded: [String] = []
        for segment in rawPath.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            guard let text = PercentDecoding.decode(String(segment)) else { return nil }
            decoded.append(text)
        }
        return decoded
    }
}
