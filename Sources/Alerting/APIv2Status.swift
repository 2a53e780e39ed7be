import JSON
import Model

/// The `/api/v2/status` body `amtool` reads before every command.
public struct AlertmanagerStatus: Sendable, Equatable {
    /// The configuration file's text, shown as `config.original`.
    public var configOriginal: String
    /// When the server started (`uptime` is that instant, as Alertmanager reports it).
    public var startedAt: Timestamp
    /// `versionInfo.version`.
    public var version: String
    /// `versionInfo.revision`.
    public var revision: String
    /// `versionInfo.branch`.
    public var branch: String
    /// `versionInfo.buildUser`.
    public var buildUser: String
    /// `versionInfo.buildDate`.
    public var buildDate: String
    /// `versionInfo.goVersion` (for a Swift program, the Swift version).
    public var goVersion: String

    /// Creates a status.
    public init(
        configOriginal: String, startedAt: Timestamp, version: String, revision: String = "",
        branch: String = "", buildUser: String = "", buildDate: String = "", goVersion: String = ""
    ) {
        self.configOriginal = configOriginal
        self.startedAt = startedAt
        self.version = version
        self.revision = revision
        self.branch = branch
        self.buildUser = buildUser
        self.buildDate = buildDate
        self.goVersion = goVersion
    }

    /// The JSON body (with Alertmanager's trailing newline): cluster disabled with no peers, as a single
    /// Alertmanager reports.
    public func encoded() -> [UInt8] {
        var json = JSONWriter.goStyle()
        json.beginObject()
        json.key("cluster")
        json.beginObject()
        json.key("peers")
        json.beginArray()
        json.endArray()
        json.key("status")
        json.string("disabled")
        json.endObject()
        json.key("config")
        json.beginObject()
        json.key("original")
        json.string(configOriginal)
        json.endObject()
        json.key("uptime")
        json.string(startedAt.rfc3339)
        json.key("versionInfo")
        let fields = [
            ("branch", branch), ("buildDate", buildDate), ("buildUser", buildUser), ("goVersion", goVersion),
            ("revision", revision), ("version", version),
        ]
        json.beginObject()
        for (name, value) in fields {
            json.key(name)
            json.string(value)
        }
        json.endObject()
        json.endObject()
        return json.bytes + [UInt8(ascii: "\n")]
    }
}
