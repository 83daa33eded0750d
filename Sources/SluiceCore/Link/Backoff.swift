import Foundation

/// Capped exponential backoff with jitter, so many Sluices that lost the
/// same server do not all knock again in the same instant.
public struct Backoff: Sendable, Equatable {
    public let initial: TimeInterval
    public let maximum: TimeInterval
    public private(set) var attempt = 0

    public init(initial: TimeInterval, maximum: TimeInterval) {
        self.initial = initial
        self.maximum = maximum
    }

    /// The delay before the next attempt; `unit` in 0...1 picks the jitter.
    public mutating func nextDelay(unit: Double = Double.random(in: 0...1)) -> TimeInterval {
        attempt += 1
        let base = min(maximum, initial * pow(2, Double(attempt - 1)))
        return min(maximum, base * (0.8 + 0.4 * unit))
    }

    public mutating func reset() {
        attempt = 0
    }
}
