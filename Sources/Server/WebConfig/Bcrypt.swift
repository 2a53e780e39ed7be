import CCrypt

/// bcrypt through the system's `crypt(3)` (libxcrypt), as `htpasswd -B` and Go's `x/crypto/bcrypt` make and
/// check the hashes of `basic_auth_users`.
enum Bcrypt {
    /// The cost `heartbeat-exporter web hash-password` uses, as `htpasswd -B` and Go's default.
    static let defaultCost = 10

    /// Why `hash` is not a bcrypt hash Go's `bcrypt.Cost` accepts, or nil when it is one:
    /// `$2a$`, `$2b$` or `$2y$`, a two-digit cost from 4 to 31, and 53 characters of salt and hash.
    static func problem(with hash: String) -> String? {
        let bytes = Array(hash.utf8)
        guard bytes.count == 60 else {
            return "not a bcrypt hash: expected 60 characters such as $2y$10$…, got \(bytes.count)"
        }
        let prefix = String(decoding: bytes[0..<4], as: UTF8.self)
        guard ["$2a$", "$2b$", "$2y$"].contains(prefix) else {
            return "not a bcrypt hash: must start with $2a$, $2b$ or $2y$"
        }
        guard let cost = Int(String(decoding: bytes[4..<6], as: UTF8.self)), bytes[6] == UInt8(ascii: "$"),
            (4...31).contains(cost)
        else { return "not a bcrypt hash: the cost after \(prefix) must be two digits from 04 to 31" }
        let alphabet = Set("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
        guard bytes[7...].allSatisfy(alphabet.contains) else {
            return "not a bcrypt hash: salt and hash must be bcrypt's base64 characters"
        }
        return nil
    }

    /// Whether `password` hashes to `hash`; compared in constant time. A password with a NUL byte never
    /// matches (crypt(3) would cut it there).
    static func verify(_ password: String, hash: String) -> Bool {
        guard !password.utf8.contains(0), let computed = crypt(password, setting: hash) else { return false }
        return constantTimeEquals(Array(computed.utf8), Array(hash.utf8))
    }

    /// A new `$2b$` hash of `password` with a random salt.
    /// - Throws: ``BcryptError`` when the system's crypt refuses (e.g. no random source).
    static func hash(_ password: String, cost: Int = defaultCost) throws(BcryptError) -> String {
        guard !password.utf8.contains(0) else { throw BcryptError("the password contains a NUL byte") }
        var salt = [CChar](repeating: 0, count: 64)
        guard hb_bcrypt_salt(UInt(cost), &salt, salt.count) == 0 else {
            throw BcryptError("crypt_gensalt refused cost \(cost)")
        }
        guard let hash = crypt(password, setting: Self.string(salt)) else {
            throw BcryptError("crypt refused to hash")
        }
        return hash
    }

    private static func crypt(_ phrase: String, setting: String) -> String? {
        var output = [CChar](repeating: 0, count: 128)
        guard hb_crypt(phrase, setting, &output, output.count) == 0 else { return nil }
        return Self.string(output)
    }

    private static func string(_ characters: [CChar]) -> String {
        String(decoding: characters.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Compares without leaking the position of the first difference through timing.
    static func constantTimeEquals(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: left.count ^ right.count)
        for index in 0..<max(left.count, right.count) {
            difference |= (index < left.count ? left[index] : 0) ^ (index < right.count ? right[index] : 0)
        }
        return difference == 0 && left.count == right.count
    }
}

/// The system's crypt(3) refused to make a bcrypt hash.
struct BcryptError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
