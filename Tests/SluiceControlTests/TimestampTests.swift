import Foundation
@testable import SluiceControl
import Testing

@Suite struct TimestampTests {
    @Test func writesUTCWithMilliseconds() {
        #expect(Timestamp.string(from: Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.string(from: Date(timeIntervalSince1970: 1_800_000_000.125)) == "2027-01-15T08:00:00.125Z")
        #expect(Timestamp.string(from: Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59.500Z")
    }

    @Test func readsWhatItWritesAndWhatOthersWrite() {
        for seconds in [0, 1_800_000_000.125, 951_782_400.999, -0.5] {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(Timestamp.date(from: Timestamp.string(from: date)) == date)
        }
        #expect(Timestamp.date(from: "2026-12-01T09:30:00Z") == Date(timeIntervalSince1970: 1_796_117_400))
        #expect(Timestamp.date(from: "2026-12-01T09:30:00.5Z") == Date(timeIntervalSince1970: 1_796_117_400.5))
    }

    @Test(arguments: ["", "2026-12-01", "2026-12-01T09:30:00", "2026-13-01T09:30:00Z", "2026-12-01 09:30:00Z",
                      "2026-12-01T09:30:00.Z", "2026-12-01T09:30:00+01:00", "２０２６-12-01T09:30:00Z", "2026-12-01T09:30:00.1234567890Z"])
    func refusesWhatIsNotSuchATime(_ text: String) {
        #expect(Timestamp.date(from: text) == nil)
    }
}
