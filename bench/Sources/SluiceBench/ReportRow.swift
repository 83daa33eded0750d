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
    /// The lowest and highest run behind each median, when there were runs.
    var spreads: [Tunnel.Kind: ClosedRange<Double>] = [:]
    /// The lowest and highest Sluice/OpenSSH ratio of a single run (runs
    /// are interleaved, so each run's two figures were taken side by side).
    var ratioSpread: ClosedRange<Double>?

    init(measure: String, values: [Tunnel.Kind: Double], format: @escaping (Double) -> String, target: Target) {
        self.measure = measure
        self.values = values
        self.format = format
        self.target = target
    }

    /// A row of medians, each with the spread of the runs behind it.
    init(measure: String, samples: [Tunnel.Kind: [Double]], format: @escaping (Double) -> String, target: Target) {
        self.init(measure: measure, values: samples.filter { !$0.value.isEmpty }.mapValues(Statistics.median), format: format, target: target)
        for (kind, runs) in samples where runs.count > 1 {
            spreads[kind] = runs.min()!...runs.max()!
        }
        if let sluice = samples[.sluice], let openSSH = samples[.openSSH], sluice.count > 1, sluice.count == openSSH.count,
           !openSSH.contains(0) {
            let ratios = zip(sluice, openSSH).map { $0 / $1 }
            ratioSpread = ratios.min()!...ratios.max()!
        }
    }

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
        let figures = Tunnel.Kind.allCases.map { kind in
            guard let value = values[kind] else { return "–" }
            guard let spread = spreads[kind] else { return format(value) }
            return "\(format(value)) (\(Self.bare(format(spread.lowerBound)))–\(Self.bare(format(spread.upperBound))))"
        }
        let metText = met.map { $0 ? "yes" : "**no**" } ?? ""
        var ratioText = ratio.map { String(format: "%.3f", $0) } ?? "–"
        if let ratioSpread {
            ratioText += String(format: " (%.2f–%.2f)", ratioSpread.lowerBound, ratioSpread.upperBound)
        }
        return [measure] + figures + [ratioText, targetText, metText]
    }

    /// A formatted figure without its unit ("926 MB/s" -> "926"), for the
    /// spread beside the median, which has it.
    private static func bare(_ text: String) -> String {
        String(text.prefix { $0 != " " })
    }
}
