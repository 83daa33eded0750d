/// A row of rates as bar heights, newest at the right: `▁▁▂▅█▇▃`, or in
/// ASCII `__.-#*,`. The highest rate shown is a full bar; any traffic at
/// all is at least the second level, so a trickle beside a burst shows.
enum Sparkline {
    /// The bars of the last `width` values of `rates`; fewer when fewer
    /// seconds are known (the caller fills the rest of the width).
    static func text(_ rates: [Double], width: Int, levels: [Character]) -> String {
        guard width > 0, levels.count > 1 else { return "" }
        let shown = rates.suffix(width)
        let highest = shown.max() ?? 0
        let bars = shown.map { rate -> Character in
            guard rate > 0, highest > 0 else { return levels[0] }
            let step = Int((rate / highest) * Double(levels.count - 2) + 0.5)
            return levels[min(levels.count - 1, 1 + step)]
        }
        return String(bars)
    }

    /// Several forwards' histories as one: summed second by second from
    /// the newest back.
    static func sum(_ histories: [[Double]]) -> [Double] {
        let length = histories.map(\.count).max() ?? 0
        var total = [Double](repeating: 0, count: length)
        for history in histories {
            let offset = length - history.count
            for (index, rate) in history.enumerated() { total[offset + index] += rate }
        }
        return total
    }
}
