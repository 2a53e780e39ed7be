import Alerting
import Foundation
import Model
import PromQL
import YAMLConfig

/// Reads the alerting sections of an inline YAML document.
func alertingConfig(_ yaml: String, file: String = "hx.yml") throws -> AlertingConfig? {
    guard let document = try YAMLNodeReader.document(yaml, file: file) else { return nil }
    var sections: [String: YAMLNodeReader] = [:]
    for (key, reader) in try document.mapping(allowed: ["route", "inhibit_rules", "receivers"]) {
        sections[key] = reader
    }
    return try AlertingConfig.read(
        document: document, route: sections["route"], inhibitRules: sections["inhibit_rules"],
        receivers: sections["receivers"])
}

/// The error `alertingConfig` throws for `yaml`, rendered.
func configErrorMessage(_ yaml: String) -> String? {
    do {
        _ = try alertingConfig(yaml)
        return nil
    } catch {
        return "\(error)"
    }
}

/// A label set from `name=value` pairs separated by commas (no commas in values).
func labels(_ text: String) -> Labels {
    Labels(
        text.split(separator: ",").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            return parts.count == 2 ? Label(parts[0], parts[1]) : nil
        })
}

/// The bytes of a file in testdata.
func testdata(_ name: String) throws -> [UInt8] {
    guard let url = Bundle.module.url(forResource: "testdata/\(name)", withExtension: nil) else {
        throw CocoaError(.fileNoSuchFile)
    }
    return Array(try Data(contentsOf: url))
}

/// The time an RFC 3339 text names; the epoch when malformed (tests fail visibly then).
func at(_ text: String) -> Timestamp {
    Timestamp(rfc3339: text) ?? .epoch
}
