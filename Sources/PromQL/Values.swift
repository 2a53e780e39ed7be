import Model

/// One element of an instant vector: a series' labels and a value.
public struct Sample: Sendable, Equatable {
    /// The series' labels.
    public var labels: Labels
    /// The value.
    public var value: Double
    /// The timestamp in milliseconds of the sample the value came from.
    public var timestamp: Int64

    /// Creates a sample.
    public init(labels: Labels, value: Double, timestamp: Int64) {
        self.labels = labels
        self.value = value
        self.timestamp = timestamp
    }
}

/// An instant vector: one sample per series.
public typealias Vector = [Sample]

/// A range vector: several samples per series.
public typealias Matrix = [SeriesSamples]

/// The result of evaluating an expression.
public enum Value: Sendable {
    /// A single number.
    case scalar(Double)
    /// A string.
    case string(String)
    /// An instant vector.
    case vector(Vector)
    /// A range vector.
    case matrix(Matrix)

    /// The type of the value.
    public var type: ValueType {
        switch self {
        case .scalar: .scalar
        case .string: .string
        case .vector: .vector
        case .matrix: .matrix
        }
    }
}

/// The PromQL types of expressions.
public enum ValueType: String, Sendable {
    /// A single number.
    case scalar
    /// A string.
    case string
    /// An instant vector; the raw value is Prometheus' name for it in messages.
    case vector = "instant vector"
    /// A range vector.
    case matrix = "range vector"

    /// The name Prometheus' Go code gives the type in some messages (`matrix`, `vector`, `scalar`, `string`).
    public var goName: String {
        switch self {
        case .scalar: "scalar"
        case .string: "string"
        case .vector: "vector"
        case .matrix: "matrix"
        }
    }
}
