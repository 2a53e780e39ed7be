import Foundation
import Model

/// The outcome of one delivery attempt.
public enum NotifyResult: Sendable {
    /// Delivered (HTTP 2xx).
    case success
    /// Failed in a way that may pass on retry: network errors, timeouts, HTTP 5xx.
    case retryable(any Error)
    /// Failed for good: HTTP 4xx and other answers a retry will not change.
    case permanent(any Error)

    /// `success`, `retryable_error` or `permanent_error`, for a `result` metric label.
    public var label: String {
        switch self {
        case .success: "success"
        case .retryable: "retryable_error"
        case .permanent: "permanent_error"
        }
    }
}

/// Delivers one ``AlertNotification`` to an integration.
public protocol Notifier: Sendable {
    /// Makes one attempt; `timeout` is the most time it may take.
    func notify(_ notification: AlertNotification, timeout: PrometheusDuration) async -> NotifyResult
}

/// An HTTP response as a notifier needs it.
public struct HTTPTransportResponse: Sendable {
    /// The status code.
    public var status: Int
    /// The body (read for error messages).
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, body: [UInt8] = []) {
        self.status = status
        self.body = body
    }
}

/// The HTTP client notifiers POST with; tests inject a fake.
public protocol HTTPTransport: Sendable {
    /// POSTs `body` to `url` with the headers; throws on network errors and timeouts.
    func post(_ url: URL, body: [UInt8], headers: [String: String], timeout: PrometheusDuration) async throws
        -> HTTPTransportResponse
}

/// A delivery failure, with any URL replaced by `<redacted>` (URLs may hold secrets).
public struct NotifyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public let message: String

    /// Creates an error from `message`, redacting `url` from it.
    public init(_ message: String, redacting url: URL? = nil) {
        var text = message
        if let url {
            text = text.replacingOccurrences(of: url.absoluteString, with: "<redacted>")
            if let host = url.host { text = text.replacingOccurrences(of: host, with: "<redacted>") }
        }
        self.message = text
    }

    public var description: String { message }
}

extension HTTPTransportResponse {
    /// Alertmanager's classification: 2xx success, 5xx retryable, anything else permanent.
    public func notifyResult() -> NotifyResult {
        switch status {
        case 200..<300: return .success
        default:
            let detail = String(decoding: body.prefix(1024), as: UTF8.self)
            let error = NotifyError("unexpected status code \(status)" + (detail.isEmpty ? "" : ": \(detail)"))
            return status / 100 == 5 ? .retryable(error) : .permanent(error)
        }
    }
}
