/// The values of a series' samples, as a view of however storage holds them: `Double`s, `Float`s that stand
/// for `Double`s exactly, or one value repeated. Indices are those of the timestamps they go with, so a view
/// never copies a value.
public struct SampleValues: RandomAccessCollection, Sendable {
    /// How the viewed values are held.
    @usableFromInline
    enum Storage: Sendable {
        case wide(ArraySlice<Double>)
        case narrow(ArraySlice<Float>)
        case constant(Double)
    }

    @usableFromInline
    let storage: Storage
    public let startIndex: Int
    public let endIndex: Int

    /// A view of `values`, with their indices.
    @inlinable
    public init(_ values: ArraySlice<Double>) {
        storage = .wide(values)
        startIndex = values.startIndex
        endIndex = values.endIndex
    }

    /// A view of `values`, each standing for the `Double` ``NarrowValue/widen(_:)`` gives, with their indices.
    @inlinable
    public init(narrow values: ArraySlice<Float>) {
        storage = .narrow(values)
        startIndex = values.startIndex
        endIndex = values.endIndex
    }

    /// `value` at every index of `indices`.
    @inlinable
    public init(repeating value: Double, indices: Range<Int>) {
        storage = .constant(value)
        startIndex = indices.lowerBound
        endIndex = indices.upperBound
    }

    @inlinable
    init(_ storage: Storage, _ indices: Range<Int>) {
        self.storage = storage
        startIndex = indices.lowerBound
        endIndex = indices.upperBound
    }

    @inlinable
    public subscript(position: Int) -> Double {
        switch storage {
        case .wide(let values): values[position]
        case .narrow(let values): NarrowValue.widen(values[position])
        case .constant(let value): value
        }
    }

    @inlinable
    public subscript(bounds: Range<Int>) -> SampleValues {
        switch storage {
        case .wide(let values): SampleValues(values[bounds])
        case .narrow(let values): SampleValues(narrow: values[bounds])
        case .constant: SampleValues(storage, bounds)
        }
    }

    /// Whether a stale marker is among the values: one comparison for a repeated value, a scan of the bit
    /// patterns otherwise (no value is widened).
    @inlinable
    public var containsStaleMarker: Bool {
        switch storage {
        case .wide(let values): values.contains { $0.bitPattern == staleMarkerBits }
        case .narrow(let values): values.contains { $0.bitPattern == NarrowValue.staleMarker.bitPattern }
        case .constant(let value): startIndex < endIndex && isStaleMarker(value)
        }
    }

    @inlinable public func index(after index: Int) -> Int { index + 1 }
    @inlinable public func index(before index: Int) -> Int { index - 1 }
}

extension SampleValues {
    /// Calls `body` with these values as a ``SampleValuesView``, indexed from 0: iterating a `SampleValues` retains
    /// and releases its array at every value, the view reads through a pointer and does neither. The view must not
    /// escape `body`.
    @inlinable
    public func withView<Result>(_ body: (SampleValuesView) throws -> Result) rethrows -> Result {
        switch storage {
        case .wide(let values):
            return try values.withUnsafeBufferPointer { buffer in
                try body(SampleValuesView(buffer.baseAddress.map { .wide($0) } ?? .constant(0), count: buffer.count))
            }
        case .narrow(let values):
            return try values.withUnsafeBufferPointer { buffer in
                try body(SampleValuesView(buffer.baseAddress.map { .narrow($0) } ?? .constant(0), count: buffer.count))
            }
        case .constant(let value):
            return try body(SampleValuesView(.constant(value), count: count))
        }
    }
}

/// The values of a ``SampleValues`` while ``SampleValues/withView(_:)`` runs, indexed from 0, read through a pointer
/// to their storage without reference counting.
public struct SampleValuesView: RandomAccessCollection {
    /// Where the values are: a pointer to the first, or the one repeated value.
    @usableFromInline
    enum Storage {
        case wide(UnsafePointer<Double>)
        case narrow(UnsafePointer<Float>)
        case constant(Double)
    }

    @usableFromInline
    let storage: Storage
    public let endIndex: Int
    @inlinable public var startIndex: Int { 0 }

    @inlinable
    init(_ storage: Storage, count: Int) {
        self.storage = storage
        endIndex = count
    }

    @inlinable
    public subscript(position: Int) -> Double {
        precondition(position >= 0 && position < endIndex, "SampleValuesView index out of range")
        switch storage {
        case .wide(let base): return base[position]
        case .narrow(let base): return NarrowValue.widen(base[position])
        case .constant(let value): return value
        }
    }

    @inlinable public func index(after index: Int) -> Int { index + 1 }
    @inlinable public func index(before index: Int) -> Int { index - 1 }
}

extension SampleValues: ExpressibleByArrayLiteral {
    /// Values given in full (tests, small stores).
    public init(arrayLiteral values: Double...) {
        self.init(values[...])
    }
}

/// How a `Double` is held in 4 bytes when a `Float` holds it exactly (whole numbers up to 2²⁴, halves, 0 and 1,
/// infinities, NaN, and the stale marker, which gets a `Float` pattern of its own).
public enum NarrowValue {
    /// The stale marker as a `Float`: a signalling NaN, which no conversion from `Double` yields.
    public static let staleMarker = Float(bitPattern: 0x7f80_0002)

    /// `value` as a `Float` that stands for the same bits, nil when there is none.
    @inlinable
    public static func narrow(_ value: Double) -> Float? {
        if isStaleMarker(value) { return staleMarker }
        let narrow = Float(value)
        guard Double(narrow).bitPattern == value.bitPattern, narrow.bitPattern != staleMarker.bitPattern else {
            return nil
        }
        return narrow
    }

    /// The `Double` a narrow value stands for.
    @inlinable
    public static func widen(_ narrow: Float) -> Double {
        narrow.bitPattern == staleMarker.bitPattern ? .init(bitPattern: staleMarkerBits) : Double(narrow)
    }
}
