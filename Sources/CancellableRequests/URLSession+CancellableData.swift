import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

extension URLSession {
    /// `data(for:)`, with a cancellation that can neither hang nor crash. FoundationNetworking's own `data(for:)`
    /// cancels its `URLSessionTask` from the Swift task's cancellation handler, under the task's status lock, while
    /// the session's work queue, finishing the same request, waits for that lock to resume the task: both threads
    /// hang for good (swift-corelibs-foundation #5412); and a `URLSessionTask.cancel()` that races the task's end
    /// stops the process ("a task that is not in the registry"). Here a cancellation ends the call at once with
    /// `URLError(.cancelled)`, resumed from another queue, and never cancels the `URLSessionTask`: the request runs
    /// to its end or its `timeoutInterval` unheard. Webhook deliveries and the client library's transport use it.
    public func cancellableData(for request: URLRequest) async throws -> (Data, URLResponse) {
        let call = PendingDataCall()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                guard call.waiting(continuation) else { return }
                dataTask(with: request) { data, response, error in
                    if let error {
                        call.end(.failure(error))
                    } else if let response {
                        call.end(.success((data ?? Data(), response)))
                    } else {
                        call.end(.failure(URLError(.badServerResponse)))
                    }
                }.resume()
            }
        } onCancel: {
            // Not here: resuming takes the status lock this handler runs under.
            DispatchQueue.global().async { call.end(.failure(URLError(.cancelled))) }
        }
    }
}

/// The continuation of one ``URLSession/cancellableData(for:)`` call, resumed once: by the reply or by the
/// cancellation, whichever comes first.
private final class PendingDataCall: @unchecked Sendable {
    typealias Outcome = Result<(Data, URLResponse), any Error>
    private let lock = NSLock()
    private var continuation: CheckedContinuation<(Data, URLResponse), any Error>?
    private var ended: Outcome?

    /// Keeps `continuation`; returns false (having resumed it) when the call ended already (cancelled first).
    func waiting(_ continuation: CheckedContinuation<(Data, URLResponse), any Error>) -> Bool {
        let ended = lock.withLock {
            if self.ended == nil { self.continuation = continuation }
            return self.ended
        }
        guard let ended else { return true }
        continuation.resume(with: ended)
        return false
    }

    /// Ends the call with `outcome` unless it has ended.
    func end(_ outcome: Outcome) {
        let continuation = lock.withLock { () -> CheckedContinuation<(Data, URLResponse), any Error>? in
            guard ended == nil else { return nil }
            ended = outcome
            defer { self.continuation = nil }
            return self.continuation
        }
        continuation?.resume(with: outcome)
    }
}
