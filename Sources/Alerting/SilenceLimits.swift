/// Alertmanager's `--silences.max-silences` and `--silences.max-silence-size-bytes`: how many silences are kept
/// (expired ones included, until they leave the retention) and how large one may be. 0 means no limit, as in
/// Alertmanager; the exporter's defaults are not 0 (see ``standard``).
public struct SilenceLimits: Sendable, Equatable {
    /// The most silences stored, expired ones included; 0 for no limit.
    public var maxSilences: Int
    /// The largest silence, in bytes of its JSON as `GET /api/v2/silence/{id}` returns it; 0 for no limit.
    public var maxSilenceSizeBytes: Int

    /// Creates limits; 0 (or less) switches one off.
    public init(maxSilences: Int, maxSilenceSizeBytes: Int) {
        self.maxSilences = maxSilences
        self.maxSilenceSizeBytes = maxSilenceSizeBytes
    }

    /// The exporter's defaults: 1,000 silences of at most 8 KiB each, so that the silences take at most about
    /// 8 MB and the `GET /api/v2/silences` the status page polls stays small.
    public static let standard = SilenceLimits(maxSilences: 1_000, maxSilenceSizeBytes: 8_192)
    /// No limits (Alertmanager's defaults).
    public static let unlimited = SilenceLimits(maxSilences: 0, maxSilenceSizeBytes: 0)

    /// Alertmanager's error when a new silence would be one too many.
    func checkCount(_ count: Int) throws(SilenceError) {
        guard maxSilences > 0, count + 1 > maxSilences else { return }
        throw .badRequest("exceeded maximum number of silences: \(count) (limit: \(maxSilences))")
    }

    /// Alertmanager's error when a silence is too large.
    func checkSize(_ silence: Silence) throws(SilenceError) {
        guard maxSilenceSizeBytes > 0 else { return }
        let size = APIv2Encoding.silence(silence, at: silence.updatedAt).count - 1
        guard size > maxSilenceSizeBytes else { return }
        throw .badRequest("silence exceeded maximum size: \(size) bytes (limit: \(maxSilenceSizeBytes) bytes)")
    }
}
