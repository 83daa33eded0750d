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

    @Test func aReaderThatKeepsUpGrowsItToTheMaximumAndNoFurther() {
        var window = ReceiveWindow()
        var sizes: [Int] = [window.raise()]
        for _ in 0..<200 {
            window.received(window.target / 8)
            #expect(window.wantsRaise)
            sizes.append(window.raise())
        }
        let mebibyte = 1024 * 1024
        #expect(Array(Set(sizes)).sorted() == [2 * mebibyte, 4 * mebibyte, 8 * mebibyte, 16 * mebibyte])
        // Each size holds until half a window of it has been delivered.
        #expect(Array(sizes.prefix(10)) == [2, 2, 2, 2, 4, 4, 4, 4, 8, 8].map { $0 * mebibyte })
        #expect(sizes.last == ReceiveWindow.maximum)
    }

    @Test func aReaderThatFallsBehindHalvesItDownToTheStart() {
        var window = ReceiveWindow()
        for _ in 0..<100 {
            window.received(window.target / 8)
            _ = window.raise()
        }
        #expect(window.target == ReceiveWindow.maximum)
        window.readerFellBehind()
        #expect(window.target == ReceiveWindow.maximum / 2)
        for _ in 0..<5 { window.readerFellBehind() }
        #expect(window.target == ReceiveWindow.initial)
        // Growing again needs half a window delivered after falling behind.
        window.received(ReceiveWindow.initial / 2 - 1)
        #expect(window.raise() == ReceiveWindow.initial)
        window.received(1)
        #expect(window.raise() == 2 * ReceiveWindow.initial)
    }
}
