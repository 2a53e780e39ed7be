import Model
import Rules
import Server

extension FuzzTarget {
    /// A Prometheus rule file (`rule_files:`, `rules check`): parsed and validated by ``RuleFileLoader``.
    static let ruleFile = FuzzTarget(name: "rules") { bytes in
        do {
            _ = try RuleFileLoader.parse(String(fuzzInput: bytes), file: "fuzz.yml")
        } catch {
            _ = String(describing: error)
        }
    }

    /// A label or annotation template of an alerting rule: parsed, then expanded with an alert's data.
    static let template = FuzzTarget(name: "template") { bytes in
        let template: Template
        do {
            template = try Template(parsing: String(fuzzInput: bytes), name: "__alert_Fuzz")
        } catch {
            _ = String(describing: error)
            return
        }
        for data in templateData {
            _ = try? template.expand(data)
        }
    }

    /// The exporter's configuration file (health, metrics, global, rule_files and Alertmanager's route,
    /// inhibit_rules and receivers): parsed and checked by ``ExporterConfig``.
    static let config = FuzzTarget(name: "config") { bytes in
        do {
            _ = try ExporterConfig.parse(String(fuzzInput: bytes), file: "fuzz.yml")
        } catch {
            _ = String(describing: error)
        }
    }

    private static let templateData: [TemplateData] = [
        TemplateData(
            labels: ["agent": "builder-1", "severity": "critical", "instance": "host:9747"],
            externalLabels: ["fleet": "prod"], externalURL: "http://exporter.example:9747", value: 1_234.5678),
        TemplateData(labels: [:], value: .nan),
        TemplateData(labels: ["agent": "ü<script>"], value: -1e300),
    ]
}
