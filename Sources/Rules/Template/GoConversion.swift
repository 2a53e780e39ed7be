/// Go's `int64(f)` on amd64: values outside the Int64 range (and NaN) become `math.MinInt64`.
func goInt64(_ value: Double) -> Int64 {
    guard value.isFinite, value >= -9.223372036854775808e18, value < 9.223372036854775808e18 else { return .min }
    return Int64(value)
}
