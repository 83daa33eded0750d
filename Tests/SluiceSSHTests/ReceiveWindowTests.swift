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

    /// A 30 ms link where each window takes a round trip to arrive (the
    /// window holds the transfer back) and a reader that keeps up: 2 MiB,
    /// then 8, then 16, and no further.
    @Test func onALongLinkItGrowsToTheMaximumAndNoFurther() {
        var window = ReceiveWindow()
        var time = ContinuousClock.now
        var sizes: [Int] = [window.raise(at: time, roundTrip: .milliseconds(30))]
        for _ in 0..<200 {
            // An eighth of the window, in an eighth of 30 ms.
            time = time + .microseconds(30_000 / 8)
            window.received(window.target / 8, at: time)
            #expect(window.wantsRaise)
            sizes.append(window.raise(at: time, roundTrip: .milliseconds(30)))
        }
        #expect(Array(Set(sizes)).sorted() == [2 * mebibyte, 8 * mebibyte, 16 * mebibyte])
        // Each size holds until half a window of it has been delivered.
        #expect(Array(sizes.prefix(12)) == [2, 2, 2, 2, 8, 8, 8, 8, 16, 16, 16, 16].map { $0 * mebibyte })
    }

    /// On a short, fast link a window arrives in a millisecond: it stays.
    @Test func onAShortLinkItStays() {
        expectItStays(eighthsEvery: .microseconds(125), roundTrip: .microseconds(200))
    }

    /// Loopback with busy CPUs: each window takes 40 ms to arrive, but the
    /// link's round trip is a fraction of a millisecond, so the window is
    /// not what holds the transfer back. Growing it there made sshd spend
    /// twice the CPU per GiB and halved the transfer.
    @Test func aSlowTransferOnAShortLinkStays() {
        expectItStays(eighthsEvery: .milliseconds(5), roundTrip: .microseconds(300))
    }

    /// A long link whose transfer something else holds back (a slow line,
    /// a busy server): half a window takes 120 ms on a 50 ms link, and a
    /// larger window would only pile more up in sshd.
    @Test func aLongLinkThatTheWindowDoesNotHoldBackStays() {
        expectItStays(eighthsEvery: .milliseconds(30), roundTrip: .milliseconds(50))
    }

    /// A 3 ms link: the window holds the transfer back (half of it arrives
    /// in 0.4 ms), but 2 MiB already carries 700 MB/s there.
    @Test func belowTheLongLinkRoundTripItStays() {
        expectItStays(eighthsEvery: .microseconds(100), roundTrip: .milliseconds(3))
    }

    /// From a 4 ms round trip on, a window that holds the transfer back grows.
    @Test func fromTheLongLinkRoundTripItGrows() {
        var window = ReceiveWindow()
        var time = ContinuousClock.now
        _ = window.raise(at: time, roundTrip: ReceiveWindow.longLink)
        for _ in 0..<4 {
            time = time + .microseconds(100)
            window.received(window.target / 8, at: time)
            _ = window.raise(at: time, roundTrip: ReceiveWindow.longLink)
        }
        #expect(window.target == 4 * ReceiveWindow.initial)
    }

    /// Until the server has answered anything, the round trip is unknown,
    /// and the window stays.
    @Test func withoutARoundTripItStays() {
        expectItStays(eighthsEvery: .microseconds(30_000 / 8), roundTrip: nil)
    }

    /// The quickest answer is the round trip; slower ones (the server also
    /// connected somewhere far) do not raise it.
    @Test func theQuickestAnswerIsTheRoundTrip() {
        var estimate = RoundTripEstimate()
        #expect(estimate.quickest == nil)
        estimate.add(.milliseconds(80))
        estimate.add(.milliseconds(52))
        estimate.add(.milliseconds(300))
        estimate.add(.zero)
        #expect(estimate.quickest == .milliseconds(52))
    }

    /// A connection that grew its window, then sat idle (a database session
    /// between queries), starts over: idle time says nothing of the link.
    @Test func afterAnIdleSecondItStartsOver() {
        var (window, time) = grownOnALongLink()
        #expect(window.target == ReceiveWindow.maximum)
        time = time + .seconds(2)
        window.received(1000, at: time)
        #expect(window.raise(at: time, roundTrip: .milliseconds(40)) == ReceiveWindow.initial)
        // Small answers a second apart never grow it again.
        for _ in 0..<20 {
            time = time + .milliseconds(1500)
            window.received(100_000, at: time)
            #expect(window.raise(at: time, roundTrip: .milliseconds(40)) == ReceiveWindow.initial)
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
        #expect(window.raise(at: time + .milliseconds(20), roundTrip: .milliseconds(40)) == ReceiveWindow.initial)
        window.received(1, at: time + .milliseconds(20))
        #expect(window.raise(at: time + .milliseconds(20), roundTrip: .milliseconds(40)) == 4 * ReceiveWindow.initial)
    }

    /// Eighths of the window arriving `eighthsEvery` apart on a link of
    /// `roundTrip`, the reader keeping up: the window never grows.
    private func expectItStays(eighthsEvery interval: Duration, roundTrip: Duration?) {
        var window = ReceiveWindow()
        var time = ContinuousClock.now
        for _ in 0..<200 {
            time = time + interval
            window.received(window.target / 8, at: time)
            #expect(window.raise(at: time, roundTrip: roundTrip) == ReceiveWindow.initial)
        }
    }

    /// A window grown to the maximum on a 40 ms link by eighths arriving
    /// 5 ms apart, and the time of the last arrival.
    private func grownOnALongLink() -> (ReceiveWindow, ContinuousClock.Instant) {
        var window = ReceiveWindow()
        var time = ContinuousClock.now
        for _ in 0..<40 {
            time = time + .milliseconds(5)
            window.received(window.target / 8, at: time)
            _ = window.raise(at: time, roundTrip: .milliseconds(40))
        }
        return (window, time)
    }
}
