#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The functions that apply a number function to each value of an instant vector, dropping the metric name.
enum MathFunction: String, CaseIterable {
    case abs, ceil, floor, exp, sqrt, ln, log2, log10, sgn
    case sin, cos, tan, asin, acos, atan, sinh, cosh, tanh, asinh, acosh, atanh
    case deg, rad

    /// The value for `value`, as Go's `math` package computes it.
    func apply(_ value: Double) -> Double { compute(self, value) }
}

/// Outside the enum, so that `exp`, `sin`, … name the C library's functions rather than the cases.
private func compute(_ function: MathFunction, _ value: Double) -> Double {
    switch function {
    case .abs: value.magnitude
    case .ceil: value.rounded(.up)
    case .floor: value.rounded(.down)
    case .exp: exp(value)
    case .sqrt: value.squareRoot()
    case .ln: log(value)
    case .log2: log2(value)
    case .log10: log10(value)
    case .sgn: value < 0 ? -1 : value > 0 ? 1 : value
    case .sin: sin(value)
    case .cos: cos(value)
    case .tan: tan(value)
    case .asin: asin(value)
    case .acos: acos(value)
    case .atan: atan(value)
    case .sinh: sinh(value)
    case .cosh: cosh(value)
    case .tanh: tanh(value)
    case .asinh: asinh(value)
    case .acosh: acosh(value)
    case .atanh: atanh(value)
    case .deg: value * 180 / Double.pi
    case .rad: value * Double.pi / 180
    }
}
