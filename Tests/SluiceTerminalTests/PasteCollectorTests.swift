@testable import SluiceTerminal
import SluiceTUI
import Testing

@Suite("A bracketed paste, bounded")
struct PasteCollectorTests {
    let start = ContinuousClock.now

    private func collect(_ text: String, into paste: inout PasteCollector) -> Bool {
        var ended = false
        for scalar in text.unicodeScalars where !ended { ended = paste.take(scalar, at: start) }
        return ended
    }

    @Test func textIsKeptAndReturnsBecomeNewlines() {
        var paste = PasteCollector(at: start)
        #expect(!collect("user@host:2222\r", into: &paste))
        #expect(paste.key == .paste("user@host:2222\n"))
    }

    /// ncurses hands over an end marker that came split as characters: it
    /// still ends the paste, and is not part of the text.
    @Test func anEndMarkerThatCameAsCharactersEndsIt() {
        var paste = PasteCollector(at: start)
        #expect(collect("abc\u{1B}[201~", into: &paste))
        #expect(paste.key == .paste("abc"))
    }

    @Test func aQuietPasteEndsAfterASecond() {
        var paste = PasteCollector(at: start)
        _ = collect("abc", into: &paste)
        #expect(!paste.isQuiet(at: start + .milliseconds(999)))
        #expect(paste.isQuiet(at: start + .seconds(1)))
    }

    @Test func textPastTheLimitIsDropped() {
        var paste = PasteCollector(at: start)
        #expect(!collect(String(repeating: "x", count: PasteCollector.limit + 5000), into: &paste))
        guard case .paste(let text) = paste.key else { Issue.record("not a paste"); return }
        #expect(text.count == PasteCollector.limit)
        // The end marker is still seen after the limit.
        #expect(collect("\u{1B}[201~", into: &paste))
    }
}
