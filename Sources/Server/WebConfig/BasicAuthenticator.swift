import Foundation
import Synchronization

/// Checks `Authorization: Basic` against `basic_auth_users` as exporter-toolkit does, with the bcrypt cost kept
/// off the request path:
///
/// - an unknown user costs the same bcrypt as a known one (no user enumeration by timing);
/// - a right password is cached, keyed on the user, the stored hash and a keyed 128-bit digest of the password (the
///   password itself is not kept), so a fleet beating with it pays bcrypt once, not on every request; wrong
///   passwords are not cached, so guessing cannot push the fleet's entries out;
/// - at most one bcrypt runs at a time, and a request that would have to wait for it is not made to wait: it is
///   answered ``Outcome/busy`` (503, retry). A flood of wrong passwords thus burns at most one core and never holds
///   the server's worker threads, so requests with cached credentials keep their latency.
final class BasicAuthenticator: Sendable {
    static let cacheSize = 100

    /// What a check says.
    enum Outcome: Equatable {
        case authorized
        case refused
        /// Another password check is running; try again shortly.
        case busy
    }

    private struct CacheKey: Hashable {
        let user: String
        let storedHash: String
        let digest: PasswordDigest
    }

    /// Passwords verified right, by key; guarded by its mutex.
    private let verified = Mutex<Set<CacheKey>>([])
    /// Whether a bcrypt is running.
    private let bcryptRunning = Atomic<Bool>(false)
    /// Compared against when the user is unknown, so that answering takes as long as for a known one (made on first
    /// use, once per process).
    private static let decoyHash = (try? Bcrypt.hash(UUID().uuidString)) ?? ""
    /// Seeds of the password digest, chosen at random per process.
    private let digestSeeds: (UInt64, UInt64)

    init() {
        digestSeeds = (UInt64.random(in: .min ... .max), UInt64.random(in: .min ... .max))
    }

    /// Whether `authorization` (the header's value) names a user of `users` with the right password.
    func check(_ authorization: String?, users: [String: String]) -> Outcome {
        guard let (user, password) = authorization.flatMap(Self.credentials) else { return .refused }
        let stored = users[user]
        let key = CacheKey(user: user, storedHash: stored ?? Self.decoyHash, digest: digest(password))
        if stored != nil, verified.withLock({ $0.contains(key) }) { return .authorized }
        guard bcryptRunning.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            return .busy
        }
        let matches = Bcrypt.verify(password, hash: key.storedHash)
        bcryptRunning.store(false, ordering: .releasing)
        guard matches, stored != nil else { return .refused }
        verified.withLock { verified in
            Self.makeRoom(in: &verified)
            verified.insert(key)
        }
        return .authorized
    }

    /// Runs `body` as if another bcrypt were running (for tests: what a check answers meanwhile).
    func whileBcryptRuns<R>(_ body: () -> R) -> R {
        while !bcryptRunning.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged {}
        defer { bcryptRunning.store(false, ordering: .releasing) }
        return body()
    }

    /// The number of cached verifications (for tests).
    var cachedCount: Int { verified.withLock { $0.count } }

    /// User and password of a `Basic` authorization, as Go's `Request.BasicAuth` reads them.
    static func credentials(_ authorization: String) -> (String, String)? {
        let prefix = "basic "
        guard authorization.count > prefix.count, authorization.lowercased().hasPrefix(prefix),
            let data = Data(base64Encoded: String(authorization.dropFirst(prefix.count)))
        else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        guard let colon = text.firstIndex(of: ":") else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }

    private struct PasswordDigest: Hashable {
        let high: Int
        let low: Int
    }

    private func digest(_ password: String) -> PasswordDigest {
        func keyed(_ seed: UInt64) -> Int {
            var hasher = Hasher()
            hasher.combine(seed)
            hasher.combine(password)
            return hasher.finalize()
        }
        return PasswordDigest(high: keyed(digestSeeds.0), low: keyed(digestSeeds.1))
    }

    /// Drops a tenth of the entries, at random, when the cache is full (as exporter-toolkit's cache does).
    private static func makeRoom(in cache: inout Set<CacheKey>) {
        guard cache.count >= cacheSize else { return }
        for _ in 0...max(cache.count / 10, 1) {
            if let victim = cache.randomElement() { cache.remove(victim) }
        }
    }
}
