import Foundation
import SluiceTUI
import Testing

@Suite struct TrafficMeterTests {
    let start = Date(timeIntervalSince1970: 1_795_356_189)

    @Test func ratesEachWay() {
        var meter = TrafficMeter(out: 0, in: 0, at: start)
        meter.record(out: 2_000, in: 500_000, at: start.addingTimeInterval(2))
        #expect(meter.outPerSecond == 1_000)
        #expect(meter.inPerSecond == 250_000)
        #expect(meter.history == [251_000, 251_000])
    }

    /// Samples 1.3 s apart (the screen wakes when it wakes) fill one slot
    /// per second, not one per sample: the last minute is a minute.
    @Test func theHistoryKeepsTimeWhateverTheSampling() {
        var meter = TrafficMeter(out: 0, in: 0, at: start)
        for step in 1...47 { meter.record(out: UInt64(step) * 1300, in: 0, at: start.addingTimeInterval(Double(step) * 1.3)) }
        #expect(meter.history.count == TrafficMeter.historyLength, "\(meter.history.count) slots for 61.1 s")
        #expect(meter.history.allSatisfy { abs($0 - 1_000) < 0.001 })
    }

    @Test func aQuietMinuteScrollsTheTrafficOut() {
        var meter = TrafficMeter(out: 0, in: 0, at: start)
        meter.record(out: 1_000, in: 0, at: start.addingTimeInterval(1))
        #expect(meter.isMoving)
        meter.record(out: 1_000, in: 0, at: start.addingTimeInterval(62))
        #expect(meter.history.count == TrafficMeter.historyLength)
        #expect(!meter.isMoving)
    }
}
