import ArgumentParser
import Foundation
import JSON

/// Reads the exporter's `{"status":"success","data":…}` envelope; an error reply becomes a ``ClientError``.
enum APIEnvelope {
    static func data(status: Int, body: [UInt8]) throws -> JSONValue {
        guard let document = try? JSONParser.parse(body), case .object(let object) = document else {
            let text = String(decoding: body.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if status == 401 {
                // Basic auth (--web.config.file) answers before the API does, in plain text.
                throw ClientError(
                    "HTTP 401: \(text): the exporter asks for basic auth; pass --basic-auth.username and "
                        + "--basic-auth.password-file (or HEARTBEAT_EXPORTER_USERNAME and HEARTBEAT_EXPORTER_PASSWORD)")
            }
            throw ClientError("unexpected reply (HTTP \(status)): \(text)")
        }
        if case .string("success")? = object["status"], let data = object["data"] { return data }
        if case .string(let message)? = object["error"] { throw ClientError("HTTP \(status): \(message)") }
        throw ClientError("unexpected reply (HTTP \(status))")
    }
}

extension JSONValue {
    /// The member `key` of an object, else nil.
    subscript(key: String) -> JSONValue? {
        guard case .object(let object) = self else { return nil }
        return object[key]
    }
}

/// Prints `error: …` to standard error for a failed client command and exits 1.
func failClient(_ error: any Error) -> ExitCode {
    FileHandle.standardError.write(Data("error: \(TerminalText.escaped("\(error)"))\n".utf8))
    return ExitCode.failure
}
