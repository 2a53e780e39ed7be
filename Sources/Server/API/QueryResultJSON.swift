import JSON
import Model
import PromQL

/// Writes query results in the shape of Prometheus' `/api/v1/query` and `/api/v1/query_range`:
/// `{"resultType":"vector","result":[{"metric":{…},"value":[1700000000.5,"1"]}]}`, `values` for a matrix,
/// `[time,"value"]` for a scalar or string.
enum QueryResultJSON {
    /// `data` for `value`, evaluated at `time` (the time scalars and strings are stamped with).
    static func write(_ value: Value, at time: Timestamp, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("resultType")
        writer.string(value.type.goName)
        writer.key("result")
        switch value {
        case .scalar(let number): writePoint(time.milliseconds, sampleText(number), into: &writer)
        case .string(let text): writePoint(time.milliseconds, text, into: &writer)
        case .vector(let vector): writeVector(vector, into: &writer)
        case .matrix(let matrix): writeMatrix(matrix, into: &writer)
        }
        writer.endObject()
    }

    private static func writeVector(_ vector: Vector, into writer: inout JSONWriter) {
        writer.beginArray()
        for sample in vector {
            writer.beginObject()
            writeMetric(sample.labels, into: &writer)
            writer.key("value")
            writePoint(sample.timestamp, sampleText(sample.value), into: &writer)
            writer.endObject()
        }
        writer.endArray()
    }

    private static func writeMatrix(_ matrix: Matrix, into writer: inout JSONWriter) {
        writer.beginArray()
        for series in matrix {
            writer.beginObject()
            writeMetric(series.labels, into: &writer)
            writer.key("values")
            writer.beginArray()
            for (time, value) in zip(series.timestamps, series.values) {
                writePoint(time, sampleText(value), into: &writer)
            }
            writer.endArray()
            writer.endObject()
        }
        writer.endArray()
    }

    /// `"metric":{…}`, the labels in order.
    static func writeMetric(_ labels: Labels, into writer: inout JSONWriter) {
        writer.key("metric")
        writeLabels(labels, into: &writer)
    }

    /// A label set as a JSON object.
    static func writeLabels(_ labels: Labels, into writer: inout JSONWriter) {
        writer.beginObject()
        for label in labels.labels {
            writer.key(label.name)
            writer.string(label.value)
        }
        writer.endObject()
    }

    private static func writePoint(_ milliseconds: Int64, _ text: String, into writer: inout JSONWriter) {
        writer.beginArray()
        writer.seconds(Timestamp(milliseconds: milliseconds))
        writer.string(text)
        writer.endArray()
    }

    /// A sample value as Prometheus writes it (`jsonutil.MarshalFloat`): Go's `'f'` format, `'e'` below 1e-6 or
    /// from 1e21 on; `NaN`, `+Inf`, `-Inf`.
    static func sampleText(_ value: Double) -> String {
        let magnitude = value.magnitude
        if value.isFinite, magnitude != 0, magnitude < 1e-6 || magnitude >= 1e21 {
            return GoFloat.shortestExponential(value).lowercased()
        }
        return GoFloat.shortestFixed(value)
    }
}
