@testable import SluiceSSH
import Testing

@Suite struct ReceiveWindowTests {
    @Test func theFirstTurnRaisesTheWindowThenEveryEighth() {
        var window = ReceiveWindow()
        #expect(window.wantsRaise, "raised at once from libssh's 64,000 bytes")
        #expect(window.raise() == ReceiveWindow.initial)
        window.received(ReceiveWindow.initial / 8 - 1)
        #expect(!window.wantsRaise)
        window.received(1)
        #expect(window.wantsRaise)
    }

    /// Data in bursts with pauses between (a sender held by its window, on
    /// a long link), and a reader that keeps up.
    @Test func aReaderThatKeepsUpGrowsItToTheMaximumAndNoFurther() {
        var window = ReceiveWindow()
        var time = ContinuousClock.now
        var sizes: [Int] = [window.raise()]
        for _ in 0..<200 {
            time = time + .milliseconds(30)
            window.arrived(at: time)
            window.received(window.target / 8)
            #expect(window.wantsRaise)
            sizes.append(window.raise())
        }
        let mebibyte = 1024 * 1024
        #expect(Array(Set(sizes)).sorted() == [2 * mebibyte, 8 * mebibyte, 16 * mebibyte])
        // Each size holds until half a window of it has been delivered.
        #expect(Array(sizes.prefix(10)) == [2, 2, 2, 2, 8, 8, 8, 8, 16, 16].map { $0 * mebibyte })
        #expect(sizes.last == ReceiveWindow.maximum)
    }

    /// On a short link the data never pauses: the window stays at 2 MiB.
    @Test func dataWithoutPausesLeavesItAlone() {
        var window = ReceiveWindow()
        var time = ContinuousClock.now
        for _ in 0..<200 {
            time = time + .milliseconds(1)
            window.arrived(at: time)
            window.received(window.target / 8)
            #expect(window.raise() == ReceiveWindow.initial)
        }
    }

    @Test func aReaderThatFallsBehindHalvesItDownToTheStart() {
        var window = ReceiveWindow()
        var time = ContinuousClock.now
        for _ in 0..<100 {
            time = time + .milliseconds(30)
            window.arrived(at: time)
            window.received(window.target / 8)
            _ = window.raise()
        }
        #expect(window.target == ReceiveWindow.maximum)
        window.readerFellBehind()
        #expect(window.target == ReceiveWindow.maximum / 2)
        for _ in 0..<5 { window.readerFellBehind() }
        #expect(window.target == ReceiveWindow.initial)
        // Growing again needs half a window delivered, with a pause, after
        // falling behind.
        window.received(ReceiveWindow.initial / 2 - 1)
        window.arrived(at: time + .milliseconds(30))
        #expect(window.raise() == ReceiveWindow.initial)
        window.received(1)
        #expect(window.raise() == 4 * ReceiveWindow.initial)
    }
}
