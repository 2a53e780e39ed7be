/// One file of the status page (a stylesheet, a script, the icon), served from memory.
///
/// Its URL carries a hash of its content (`status.3f2a9c1e.js`), so browsers may keep it forever: a new
/// version of the exporter that changes the file changes the URL too.
struct WebAsset: Sendable {
    /// The file's plain name, e.g. `fleet.js`; the HTML refers to it through ``fingerprintedName``.
    let name: String
    /// The `Content-Type` it is served with.
    let contentType: String
    /// The file's bytes.
    let bytes: [UInt8]
    /// `name` with the content hash before the extension, e.g. `fleet.0c1d2e3f.js`: the path it is served at.
    let fingerprintedName: String

    init(name: String, contentType: String, text: String) {
        self.name = name
        self.contentType = contentType
        bytes = Array(text.utf8)
        fingerprintedName = Self.fingerprinted(name, hash: Self.fnv1a32(bytes))
    }

    /// `name` with `.` + eight hex digits of `hash` inserted before its extension.
    private static func fingerprinted(_ name: String, hash: UInt32) -> String {
        let hex = String(hash, radix: 16)
        let digits = String(repeating: "0", count: 8 - hex.count) + hex
        guard let dot = name.lastIndex(of: ".") else { return "\(name).\(digits)" }
        return "\(name[..<dot]).\(digits)\(name[dot...])"
    }

    /// FNV-1a, 32 bits: enough to tell versions of a file apart, not a security hash.
    private static func fnv1a32(_ bytes: [UInt8]) -> UInt32 {
        var hash: UInt32 = 0x811c_9dc5
        for byte in bytes {
            hash ^= UInt32(byte)
            hash = hash &* 0x0100_0193
        }
        return hash
    }
}
