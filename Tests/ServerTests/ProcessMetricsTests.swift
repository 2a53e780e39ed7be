import Exposition
import Foundation
@testable import Server
import Testing

struct ProcessMetricsTests {
    @Test func theProcessMetricsDescribeThisProcess() {
        var writer = ExpositionWriter(format: .prometheusText)
        ProcessMetrics.collect().write(into: &writer)
        let text = String(decoding: writer.finish(), as: UTF8.self)
        let value = { (name: String) -> Double? in
            text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap {
                Double($0.split(separator: " ")[1])
            }
        }
        #expect((value("process_resident_memory_bytes") ?? 0) > 1_000_000)
        #expect((value("process_open_fds") ?? 0) >= 3)
        #expect((value("process_max_fds") ?? 0) >= (value("process_open_fds") ?? .infinity))
        let start = value("process_start_time_seconds") ?? 0
        #expect(abs(start - Date().timeIntervalSince1970) < 86_400)
        #expect((value("process_cpu_seconds_total") ?? -1) >= 0)
        #expect(text.contains("# TYPE process_cpu_seconds_total counter\n"))
    }
}
