import ArgumentParser

/// The values a number option accepts. ArgumentParser reads `inf`, `nan`
/// and `1e300` as doubles, and any 64-bit integer as an Int; the engine turns
/// them into C integers and dates, where such values trap. So every number
/// from the command line is held to a range a user could mean, and a value
/// outside it is refused with the range in the message.
struct NumberRange {
    /// E.g. `a number of seconds`, `a whole number`.
    let noun: String
    let range: ClosedRange<Double>

    func check(_ value: Double, option: String) throws(ValidationError) {
        guard value.isFinite, range.contains(value) else { throw refusal(option, got: Self.shown(value)) }
    }

    func check(_ value: Int, option: String) throws(ValidationError) {
        guard range.contains(Double(value)) else { throw refusal(option, got: String(value)) }
    }

    private func refusal(_ option: String, got: String) -> ValidationError {
        ValidationError("\(option) must be \(noun) from \(Self.shown(range.lowerBound)) to \(Self.shown(range.upperBound)) (got '\(got)')")
    }

    /// `15` rather than `15.0`; `inf`, `nan` and `1e+300` as Swift prints them.
    private static func shown(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return "\(value)"
    }
}
