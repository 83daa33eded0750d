@testable import SluiceSSH
import Testing

@Suite struct ReceiveWindowTests {
    private let mebibyte = 1024 * 1024

    @Test func theFirstTurnRaisesTheWindowThenEveryEighth() {
        var window = ReceiveWindow()
        #expect(window.wantsRaise, "raised at once from libssh's 64,000 bytes")
        #expect(window.raise() == ReceiveWindow.initial)
        window.received(ReceiveWindow.initial / 8 - 1)
        #expect(!window.wantsRaise)
        window.received(1)
        #expect(window.wantsRaise)
    }

    /// Windows that take 30 ms each to arrive (a long link), a reader that
    /// keeps up: 2 MiB, then 8, then 16, and no further.
    @Test func onALongLinkItGrowsToTheMaximumAndNoFurther() {
        var window = ReceiveWindow()
        var time = ContinuousClock.now
        var sizes: [Int] = [window.raise(at: time)]
        for _ in 0..<200 {
            // An eighth of the window, in an eighth of 30 ms.
            time = time + .microseconds(30_000 / 8)
            window.received(window.target / 8, at: time)
            #expect(window.wantsRaise)
            sizes.append(window.raise(at: time))
        }
        #expect(Array(Set(sizes)).sorted() == [2 * mebibyte, 8 * mebibyte, 16 * mebibyte])
        // Each size holds until half a window of it has been delivered.
        #expect(Array(sizes.prefix(12)) == [2, 2, 2, 2, 8, 8, 8, 8, 16, 16, 16, 16].map { $0 * mebibyte })
    }

    /// On a short, fast link a window arrives in a millisecond: it stays.
    @Test func onAShortLinkItStays() {
        var window = ReceiveWindow()
        var time = ContinuousClock.now
        for _ in 0..<200 {
            time = time + .microseconds(125)
            window.received(window.target / 8, at: time)
            #expect(window.raise(at: time) == ReceiveWindow.initial)
        }
    }

    /// A connection that grew its window, then sat idle (a database session
    /// between queries), starts over: idle time says nothing of the link.
    @Test func afterAnIdleSecondItStartsOver() {
        var (window, time) = grownOnALongLink()
        #expect(window.target == ReceiveWindow.maximum)
        time = time + .seconds(2)
        window.received(1000, at: time)
        #expect(window.raise(at: time) == ReceiveWindow.initial)
        // Small answers a second apart never grow it again.
        for _ in 0..<20 {
            time = time + .milliseconds(1500)
            window.received(100_000, at: time)
            #expect(window.raise(at: time) == ReceiveWindow.initial)
        }
    }

    @Test func aReaderThatFallsBehindHalvesItDownToTheStart() {
        var (window, time) = grownOnALongLink()
        #expect(window.target == ReceiveWindow.maximum)
        window.readerFellBehind()
        #expect(window.target == ReceiveWindow.maximum / 2)
        for _ in 0..<5 { window.readerFellBehind() }
        #expect(window.target == ReceiveWindow.initial)
        // Growing again needs half a window delivered after falling behind.
        window.received(ReceiveWindow.initial / 2 - 1, at: time)
        #expect(window.raise(at: time + .milliseconds(20)) == ReceiveWindow.initial)
        window.received(1, at: time + .milliseconds(20))
        #expect(window.raise(at: time + .milliseconds(20)) == 4 * ReceiveWindow.initial)
    }

    /// A window grown to the maximum by eighths arriving 5 ms apart, and
    /// the time of the last arrival.
    private func grownOnALongLink() -> (ReceiveWindow, ContinuousClock.Instant) {
        var window = ReceiveWindow()
        var time = ContinuousClock.now
        for _ in 0..<40 {
            time = time + .milliseconds(5)
            window.received(window.target / 8, at: time)
            _ = window.raise(at: time)
        }
        return (window, time)
    }
}
