import Foundation

/// A forward's current rate in bytes per second, from its byte counters
/// sampled over at least a second, so the number does not flicker.
public struct TrafficMeter: Sendable, Equatable {
    private var sampleBytes: UInt64
    private var sampleTime: Date
    public private(set) var bytesPerSecond: Double = 0

    static let window: TimeInterval = 1

    public init(bytes: UInt64, at time: Date) {
        sampleBytes = bytes
        sampleTime = time
    }

    public mutating func record(bytes: UInt64, at time: Date) {
        // Counters start again from zero when a forward is switched back on.
        guard bytes >= sampleBytes else {
            self = TrafficMeter(bytes: bytes, at: time)
            return
        }
        let elapsed = time.timeIntervalSince(sampleTime)
        guard elapsed >= Self.window else { return }
        bytesPerSecond = Double(bytes - sampleBytes) / elapsed
        sampleBytes = bytes
        sampleTime = time
    }
}
