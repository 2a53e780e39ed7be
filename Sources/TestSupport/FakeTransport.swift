import Alerting
import Foundation
import Model
import Synchronization

/// A transport answering with scripted outcomes and recording the requests.
public final class FakeTransport: HTTPTransport {
    /// What one request gets.
    public enum Outcome: Sendable {
        /// An HTTP answer with this status.
        case status(Int)
        /// A connection failure with this text.
        case networkError(String)
    }

    private struct State {
        var outcomes: [Outcome]
        var requests: [(url: URL, headers: [String: String], body: [UInt8])] = []
    }

    /// Protects the scripted outcomes and the recorded requests.
    private let state: Mutex<State>

    /// Answers with `outcomes` in turn, repeating the last one.
    public init(_ outcomes: [Outcome]) {
        state = Mutex(State(outcomes: outcomes))
    }

    /// Every request received, in order.
    public var requests: [(url: URL, headers: [String: String], body: [UInt8])] { state.withLock { $0.requests } }

    /// Records the request and answers with the next scripted outcome.
    public func post(_ url: URL, body: [UInt8], headers: [String: String], timeout: PrometheusDuration) async throws
        -> HTTPTransportResponse
    {
        let outcome = state.withLock { state -> Outcome in
            state.requests.append((url, headers, body))
            return state.outcomes.count > 1 ? state.outcomes.removeFirst() : state.outcomes.first ?? .status(200)
        }
        switch outcome {
        case .status(let code): return HTTPTransportResponse(status: code, body: Array("nope".utf8))
        case .networkError(let text): throw NotifyError(text)
        }
    }
}
