import Foundation
import Synchronization

/// Checks `Authorization: Basic` against `basic_auth_users` as exporter-toolkit does: an unknown user costs
/// the same bcrypt as a known one (no user enumeration by timing), one bcrypt runs at a time (a flood of wrong
/// passwords burns one core, not all of them), and outcomes are cached so a fleet beating with the right
/// password pays bcrypt once, not on every request.
///
/// The cache is keyed on the user, the stored hash and a keyed 128-bit digest of the presented password (the
/// password itself is not kept); it holds at most ``cacheSize`` outcomes and drops a tenth at random when full.
final class BasicAuthenticator: Sendable {
    static let cacheSize = 100

    private struct CacheKey: Hashable {
        let user: String
        let storedHash: String
        let digest: PasswordDigest
    }

    /// Cached outcomes; guarded by its mutex.
    private let cache = Mutex<[CacheKey: Bool]>([:])
    /// Held while bcrypt runs, so only one runs at a time.
    private let bcryptTurn = Mutex(())
    /// Compared against when the user is unknown, so that answering takes as long as for a known one.
    private let decoyHash: String
    /// Seeds of the password digest, chosen at random per process.
    private let digestSeeds: (UInt64, UInt64)

    init() {
        decoyHash = (try? Bcrypt.hash(UUID().uuidString)) ?? ""
        digestSeeds = (UInt64.random(in: .min ... .max), UInt64.random(in: .min ... .max))
    }

    /// Whether `authorization` (the header's value) names a user of `users` with the right password.
    func isAuthorized(_ authorization: String?, users: [String: String]) -> Bool {
        guard let (user, password) = authorization.flatMap(Self.credentials) else { return false }
        let stored = users[user]
        let storedHash = stored ?? decoyHash
        let key = CacheKey(user: user, storedHash: storedHash, digest: digest(password))
        if let cached = cache.withLock({ $0[key] }) { return cached && stored != nil }
        let matches = bcryptTurn.withLock { _ in Bcrypt.verify(password, hash: storedHash) }
        let outcome = matches && stored != nil
        cache.withLock { cache in
            Self.makeRoom(in: &cache)
            cache[key] = outcome
        }
        return outcome
    }

    /// The number of cached outcomes (for tests).
    var cachedCount: Int { cache.withLock { $0.count } }

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

    private static func makeRoom(in cache: inout [CacheKey: Bool]) {
        guard cache.count >= cacheSize else { return }
        for _ in 0...max(cache.count / 10, 1) {
            if let victim = cache.keys.randomElement() { cache[victim] = nil }
        }
    }
}
