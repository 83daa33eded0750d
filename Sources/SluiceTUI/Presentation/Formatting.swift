import Foundation

/// Numbers and times as the screen writes them.
public enum Formatting {
    /// `0 B`, `512 B`, `1.5 KB`, `34 MB`, `1.2 GB` (powers of 1000, as
    /// network tools count).
    public static func bytes(_ count: UInt64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB", "PB"]
        var value = Double(count)
        var unit = 0
        while value >= 999.5, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        if unit == 0 { return "\(count) B" }
        return (value < 9.95 ? tenths(value) : String(Int(value.rounded()))) + " " + units[unit]
    }

    /// A number of zero or more with one decimal: `2.1`, `0.0`. Written
    /// out here rather than with `String(format:)`, which goes through
    /// Foundation's format parser: that was 4 % of `sluice agent`'s CPU
    /// in a run of short connections, at a log line each.
    public static func tenths(_ value: Double) -> String {
        let tenths = Int((max(0, value) * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    public static func rate(_ bytesPerSecond: Double) -> String {
        bytesPerSecond < 1 ? "" : bytes(UInt64(bytesPerSecond)) + "/s"
    }

    /// `14:03:09` in `timeZone`.
    public static func clock(_ date: Date, in timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.hour, .minute, .second], from: date)
        return String(format: "%02d:%02d:%02d", parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0)
    }

    /// How long ago `date` was, in the largest unit that fits: `8 s`,
    /// `12 min`, `3 h`, `2 d`.
    public static func age(since date: Date, now: Date) -> String {
        let seconds = max(0, Int(now.timeIntervalSince(date)))
        if seconds < 60 { return "\(seconds) s" }
        if seconds < 3600 { return "\(seconds / 60) min" }
        if seconds < 86_400 { return "\(seconds / 3600) h" }
        return "\(seconds / 86_400) d"
    }
}
