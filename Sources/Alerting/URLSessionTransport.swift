import CancellableRequests
import Foundation
import Model
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// ``HTTPTransport`` over Foundation's `URLSession` (libcurl on Linux).
public struct URLSessionTransport: HTTPTransport {
    /// Creates a transport using an ephemeral session.
    public init() {}

    public func post(_ url: URL, body: [UInt8], headers: [String: String], timeout: PrometheusDuration) async throws
        -> HTTPTransportResponse
    {
        var request = URLRequest(url: url, timeoutInterval: max(timeout, .milliseconds(1)).seconds)
        request.httpMethod = "POST"
        request.httpBody = Data(body)
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let session = URLSession(configuration: .ephemeral)
        defer { session.finishTasksAndInvalidate() }
        do {
            let (data, response) = try await session.cancellableData(for: request)
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            return HTTPTransportResponse(status: status, body: Array(data))
        } catch {
            throw NotifyError("POST failed: \(error.localizedDescription)", redacting: url)
        }
    }
}
