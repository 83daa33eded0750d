import Foundation

/// A forward's current rates in bytes per second, each way, from its byte
/// counters sampled over at least a second so the numbers do not flicker;
/// and the last minute of its total rate, for the sparkline.
public struct TrafficMeter: Sendable, Equatable {
    private var sampleOut: UInt64
    private var sampleIn: UInt64
    private var sampleTime: Date
    /// Toward the server's side, and back (as `ForwardStatus` counts them).
    public private(set) var outPerSecond: Double = 0
    public private(set) var inPerSecond: Double = 0
    /// The total rate of each second measured, oldest first, at most
    /// `historyLength`.
    public private(set) var history: [Double] = []
    /// The part of a second sampled but not yet given a slot in `history`,
    /// so that samples 1.3 s apart fill 60 slots in 60 s, not 46.
    private var unslottedSeconds: TimeInterval = 0

    static let window: TimeInterval = 1
    public static let historyLength = 60

    public init(out: UInt64, in bytesIn: UInt64, at time: Date) {
        sampleOut = out
        sampleIn = bytesIn
        sampleTime = time
    }

    public var bytesPerSecond: Double { outPerSecond + inPerSecond }

    /// True while the rate or the last minute shows traffic: the screen
    /// redraws each second until the sparkline is flat again.
    public var isMoving: Bool { bytesPerSecond > 0 || history.contains { $0 > 0 } }

    public mutating func record(out: UInt64, in bytesIn: UInt64, at time: Date) {
        // Counters start again from zero when a forward is switched back on.
        guard out >= sampleOut, bytesIn >= sampleIn else {
            let kept = history
            self = TrafficMeter(out: out, in: bytesIn, at: time)
            history = kept
            return
        }
        let elapsed = time.timeIntervalSince(sampleTime)
        guard elapsed >= Self.window else { return }
        outPerSecond = Double(out - sampleOut) / elapsed
        inPerSecond = Double(bytesIn - sampleIn) / elapsed
        // A sample taken after a quiet stretch (no ticks while nothing
        // moves) stands for each second of it, at the mean rate.
        unslottedSeconds += elapsed
        let seconds = Int(unslottedSeconds)
        unslottedSeconds -= Double(seconds)
        history.append(contentsOf: repeatElement(bytesPerSecond, count: min(Self.historyLength, seconds)))
        if history.count > Self.historyLength { history.removeFirst(history.count - Self.historyLength) }
        sampleOut = out
        sampleIn = bytesIn
        sampleTime = time
    }
}
