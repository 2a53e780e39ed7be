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
        if count == 1 {
            GoFloat.appendInteger(digits, to: &bytes)
        } else {
            let divisor = powerOfTen(count - 1)
            GoFloat.appendInteger(digits / divisor, to: &bytes)
            bytes.append(UInt8(ascii: "."))
            GoFloat.appendInteger(digits % divisor, minimumDigits: count - 1, to: &bytes)
        }
        bytes.append(UInt8(ascii: "e"))
        bytes.append(exponent < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
        GoFloat.appendInteger(UInt64(exponent.magnitude), minimumDigits: 2, to: &bytes)
    }

    /// `ddd`, `ddd000`, `ddd.ddd`, or `0.000ddd` when the point is before the first digit.
    private func appendFixedForm(to bytes: inout [UInt8]) {
        if point >= count {
            GoFloat.appendInteger(digits, to: &bytes)
            GoFloat.appendZeros(point - count, to: &bytes)
        } else if point > 0 {
            let divisor = powerOfTen(count - point)
            GoFloat.appendInteger(digits / divisor, to: &bytes)
            bytes.append(UInt8(ascii: "."))
            GoFloat.appendInteger(digits % divisor, minimumDigits: count - point, to: &bytes)
        } else {
            bytes.append(UInt8(ascii: "0"))
            bytes.append(UInt8(ascii: "."))
            GoFloat.appendZeros(-point, to: &bytes)
            GoFloat.appendInteger(digits, to: &bytes)
        }
    }
}
