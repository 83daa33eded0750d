import Foundation

/// One line of the results table: a figure for each way through, the
/// Sluice/OpenSSH ratio, and the issue's target for it.
struct ReportRow {
    enum Target {
        /// Sluice/OpenSSH must be at least this (more is better).
        case ratioAtLeast(Double)
        /// Sluice/OpenSSH must be at most this (less is better).
        case ratioAtMost(Double)
        /// Sluice's own figure must be below this.
        case sluiceBelow(Double)
        /// Sluice's own figure must equal this.
        case sluiceEquals(Double)
        /// Reported for information.
        case none
    }

    var measure: String
    var values: [Tunnel.Kind: Double]
    var format: (Double) -> String
    var target: Target

    var ratio: Double? {
        guard let sluice = values[.sluice], let openSSH = values[.openSSH], openSSH > 0 else { return nil }
        return sluice / openSSH
    }

    var targetText: String {
        switch target {
        case .ratioAtLeast(let limit): return "ratio ≥ \(String(format: "%.1f", limit))"
        case .ratioAtMost(let limit): return "ratio ≤ \(String(format: "%.1f", limit))"
        case .sluiceBelow(let limit): return "< \(format(limit))"
        case .sluiceEquals(let value): return "= \(format(value))"
        case .none: return ""
        }
    }

    /// nil when the row has no target or lacks the figures to judge it.
    var met: Bool? {
        switch target {
        case .ratioAtLeast(let limit): return ratio.map { $0 >= limit }
        case .ratioAtMost(let limit): return ratio.map { $0 <= limit }
        case .sluiceBelow(let limit): return values[.sluice].map { $0 < limit }
        case .sluiceEquals(let value): return values[.sluice].map { $0 == value }
        case .none: return nil
        }
    }

    /// The row's cells, in the table's column order.
    var cells: [String] {
        let figures = Tunnel.Kind.allCases.map { kind in values[kind].map(format) ?? "–" }
        let metText = met.map { $0 ? "yes" : "**no**" } ?? ""
        return [measure] + figures + [ratio.map { String(format: "%.3f", $0) } ?? "–", targetText, metText]
    }
}
