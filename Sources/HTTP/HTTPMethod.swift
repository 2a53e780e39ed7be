/// The request methods the router dispatches on.
///
/// A request keeps its method as sent (``HTTPRequest/method``); methods outside this list
/// have no case here, so ``HTTPMethod/init(rawValue:)`` returns `nil` for them and the
/// ``Router`` answers 405 on a known path.
public enum HTTPMethod: String, Sendable, CaseIterable {
    /// Read a resource.
    case GET
    /// Read a resource's headers only; the transport drops the body.
    case HEAD
    /// Create or submit.
    case POST
    /// Replace.
    case PUT
    /// Remove.
    case DELETE
    /// Partially update.
    case PATCH
    /// Ask which methods a resource allows.
    case OPTIONS

    /// The method for a method token as sent, or `nil` for an unknown or misspelled one.
    ///
    /// Method tokens are case-sensitive (RFC 9110 §9.1): `get` is not `GET`.
    public init?(token: String) {
        self.init(rawValue: token)
    }
}
