import SluiceTUI
import Testing

/// The figures the screen and the agent's log lines show.
@Suite struct FormattingTests {
    @Test(arguments: [
        (0, "0 B"), (999, "999 B"), (1000, "1.0 KB"), (1049, "1.0 KB"), (1051, "1.1 KB"),
        (9949, "9.9 KB"), (9950, "10 KB"), (12_345, "12 KB"), (999_499, "999 KB"),
        (999_500, "1.0 MB"), (1_234_567, "1.2 MB"), (34_000_000, "34 MB"), (1_200_000_000, "1.2 GB"),
    ] as [(UInt64, String)])
    func bytes(count: UInt64, shown: String) {
        #expect(Formatting.bytes(count) == shown)
    }

    @Test(arguments: [
        (0.0, "0.0"), (0.04, "0.0"), (0.06, "0.1"), (2.1, "2.1"), (2.96, "3.0"), (59.94, "59.9"), (1234.5678, "1234.6"), (-1, "0.0"),
    ] as [(Double, String)])
    func tenths(value: Double, shown: String) {
        #expect(Formatting.tenths(value) == shown)
    }
}
