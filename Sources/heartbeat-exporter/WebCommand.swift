import ArgumentParser
import Foundation
import Server

/// `heartbeat-exporter web hash-password`: the bcrypt hash of a password read from standard input, for the
/// `basic_auth_users` of a `--web.config.file`.
struct WebCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "web", abstract: "Web configuration tools (--web.config.file).",
        subcommands: [HashPassword.self])

    struct HashPassword: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hash-password",
            abstract: "Print a bcrypt hash of the password read from standard input, for basic_auth_users.",
            discussion: "Reads the first line of standard input (without its line ending), so the password never "
                + "appears on a command line: `heartbeat-exporter web hash-password < password.txt`. The hash "
                + "($2b$, cost 10) is of the kind `htpasswd -nBC 10` makes ($2y$); Prometheus' web configuration "
                + "accepts both.")

        func run() throws {
            let input = FileHandle.standardInput.readDataToEndOfFile()
            var password = String(decoding: input, as: UTF8.self)
            if let newline = password.firstIndex(where: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
                password = String(password[..<newline])
            }
            guard !password.isEmpty else { throw ValidationError("no password on standard input") }
            print(try WebConfig.hashPassword(password))
        }
    }
}
