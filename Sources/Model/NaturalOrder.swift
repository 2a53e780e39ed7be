/// The natural order of names: runs of ASCII digits compare as numbers, so `worker-9` comes before `worker-10`, as
/// people number their agents. Other text compares by Unicode scalar; equal names under this order (`a01`, `a1`)
/// fall back to plain string order, so the order is total and stable.
public enum NaturalOrder {
    /// Whether `lhs` comes before `rhs` in natural order.
    public static func precedes(_ lhs: String, _ rhs: String) -> Bool {
        var left = lhs.unicodeScalars[...]
        var right = rhs.unicodeScalars[...]
        while let l = left.first, let r = right.first {
            if isDigit(l), isDigit(r) {
                let leftRun = takeDigits(&left)
                let rightRun = takeDigits(&right)
                if leftRun.count != rightRun.count { return leftRun.count < rightRun.count }
                if leftRun != rightRun { return leftRun.lexicographicallyPrecedes(rightRun) }
                continue
            }
            if l != r { return l.value < r.value }
            left.removeFirst()
            right.removeFirst()
        }
        if left.isEmpty != right.isEmpty { return left.isEmpty }
        return lhs < rhs
    }

    /// `names` in natural order.
    public static func sorted<S: Sequence>(_ names: S) -> [String] where S.Element == String {
        names.sorted(by: precedes)
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { scalar.value >= 48 && scalar.value <= 57 }

    /// Removes the run of digits at the start of `text` and returns it without its leading zeros.
    private static func takeDigits(_ text: inout Substring.UnicodeScalarView) -> [UInt32] {
        var digits: [UInt32] = []
        while let scalar = text.first, isDigit(scalar) {
            if !(digits.isEmpty && scalar.value == 48) { digits.append(scalar.value) }
            text.removeFirst()
        }
        return digits
    }
}
