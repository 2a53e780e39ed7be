extension DecimalDigits {
    /// Appends Go's `%e` form when the exponent is below -4 or at least 6, else the `%f` form
    /// (`strconv.FormatFloat` with format `'g'` and precision -1).
    func appendGoStyle(to bytes: inout [UInt8]) {
        let exponent = point - 1
        if exponent < -4 || exponent >= 6 {
            appendExponentForm(exponent: exponent, to: &bytes)
        } else {
            appendFixedForm(to: &bytes)
        }
    }

    /// `d.ddde+XX`, at least two exponent digits.
    private func appendExponentForm(exponent: Int, to bytes: inout [UInt8]) {
        bytes.append(digit(at: 0))
        if count > 1 {
            bytes.append(UInt8(ascii: "."))
            for index in 1..<count { bytes.append(digit(at: index)) }
        }
        bytes.append(UInt8(ascii: "e"))
        bytes.append(exponent < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
        if exponent.magnitude < 10 { bytes.append(UInt8(ascii: "0")) }
        FloatFormatting.appendInteger(UInt64(exponent.magnitude), to: &bytes)
    }

    /// `ddd.ddd`, or `0.000ddd` when the point is before the first digit.
    private func appendFixedForm(to bytes: inout [UInt8]) {
        if point > 0 {
            for index in 0..<point { bytes.append(digit(at: index)) }
        } else {
            bytes.append(UInt8(ascii: "0"))
        }
        guard count > point else { return }
        bytes.append(UInt8(ascii: "."))
        for index in point..<count { bytes.append(digit(at: index)) }
    }
}
