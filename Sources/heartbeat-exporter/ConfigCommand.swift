import ArgumentParser
import Foundation
import Rules
import Server

/// `heartbeat-exporter config check FILE`: validates a configuration file as `serve` would load it, and the rule
/// files it names.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Configuration tools.", subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check configuration files and the rule files they name; exit 1 when one has an error.",
            discussion: "Rule files are found as `serve` finds them (the `rule_files` globs, relative to the "
                + "configuration file) and checked as `heartbeat-exporter rules check` checks them, with the same "
                + "messages, as `promtool check config` does.")

        @Argument(help: "Configuration files.") var files: [String] = []

        @Option(
            name: .customLong("web.config.file"),
            help: "Web configuration files (TLS, basic auth) to check, with the certificate files they name.")
        var webConfigFiles: [String] = []

        func validate() throws {
            guard !files.isEmpty || !webConfigFiles.isEmpty else {
                throw ValidationError("name a configuration file or a --web.config.file")
            }
        }

        func run() throws {
            var failed = false
            for file in files where !check(file) { failed = true }
            for file in webConfigFiles where !checkWebConfig(file) { failed = true }
            if failed { throw ExitCode.failure }
        }

        /// Checks one web configuration file as `serve` reads it, certificates included.
        private func checkWebConfig(_ file: String) -> Bool {
            print("Checking web configuration \(file)")
            do {
                let config = try WebConfig.check(path: file)
                let tls =
                    config.tls.map { tls in
                        let verifying = [.verifyClientCertIfGiven, .requireAndVerifyClientCert].contains(tls.clientAuth)
                        let against =
                            !verifying
                            ? ""
                            : "; client certificates verified against "
                                + (tls.clientCAFile ?? "the system's CAs (\(WebConfig.TLSServerConfig.systemCABundle))")
                        return "TLS (\(tls.clientAuth.rawValue)\(against))"
                    } ?? "plain HTTP"
                print("  SUCCESS: \(tls), \(config.users.count) basic-auth users\n")
                return true
            } catch {
                print("  FAILED: \(error)\n")
                return false
            }
        }

        /// Checks one configuration file, then each of its rule files; false when any has an error.
        private func check(_ file: String) -> Bool {
            print("Checking \(file)")
            let config: ExporterConfig
            do {
                config = try ExporterConfig.load(path: file, mustExist: true)
            } catch {
                print("  FAILED: \(error)\n")
                return false
            }
            var ruleFiles: [String] = []
            var problems: [String] = []
            for pattern in config.ruleFileGlobs {
                do { ruleFiles += try RuleFileLoader.files(matching: pattern) } catch {
                    problems += error.errors.map(\.description)
                }
            }
            guard problems.isEmpty else {
                print(problems.map { "  FAILED: \($0)" }.joined(separator: "\n") + "\n")
                return false
            }
            print("  SUCCESS: \(ruleFiles.count) rule files found\n SUCCESS: \(file) is valid\n")
            if !config.dependencies.isEmpty {
                print(
                    "  NOTE: \(config.dependencies.count) dependencies entries have no cycle among themselves; the "
                        + "running exporter also judges them against the dependencies its agents' beats declare, at "
                        + "start and at each reload\n")
            }
            var valid = true
            for ruleFile in ruleFiles where !RuleFileCheck.check(ruleFile) { valid = false }
            return valid
        }
    }
}
