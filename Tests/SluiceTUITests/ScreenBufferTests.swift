import SluiceTUI
import Testing

@Suite struct ScreenBufferTests {
    @Test func writesClipsAndReadsBackAsText() {
        var screen = ScreenBuffer(width: 10, height: 3)
        #expect(screen.write("hello", x: 0, y: 0) == 5)
        #expect(screen.write("world, wide", x: 3, y: 1) == 7)
        #expect(screen.write("off", x: 12, y: 2) == 0)
        #expect(screen.write("left", x: -2, y: 2) == 4)
        #expect(screen.lines == ["hello", "   world,…", "ft"])
    }

    @Test func maxWidthTruncatesWithAnEllipsisOrAnASCIIMarker() {
        var screen = ScreenBuffer(width: 20, height: 2)
        screen.write("db.internal.example.com", x: 0, y: 0, maxWidth: 10)
        screen.write("db.internal.example.com", x: 0, y: 1, maxWidth: 10, ellipsis: "~")
        #expect(screen.lines == ["db.intern…", "db.intern~"])
    }

    @Test func wideCharactersTakeTwoColumnsAndNeverLeaveHalves() {
        var screen = ScreenBuffer(width: 8, height: 2)
        #expect(screen.write("日本語", x: 0, y: 0) == 6)
        #expect(screen[1, 0].isContinuation)
        screen.write("x", x: 3, y: 0)
        #expect(screen.lines[0] == "日 x語")
        #expect(screen.write("日本語", x: 0, y: 1, maxWidth: 5) == 5)
        #expect(screen.lines[1] == "日本…")
    }

    @Test func combiningMarksJoinTheirCharacter() {
        var screen = ScreenBuffer(width: 6, height: 1)
        #expect(screen.write("e\u{301}te", x: 0, y: 0) == 3)
        #expect(screen.lines == ["éte"])
        #expect(DisplayWidth.of("e\u{301}te") == 3)
    }

    @Test func rolesArePaintedPerCell() {
        var screen = ScreenBuffer(width: 6, height: 2)
        screen.write("ok", x: 0, y: 0, role: .ok)
        screen.paint(row: 1, role: .selected)
        #expect(screen[0, 0].role == .ok)
        #expect(screen[2, 0].role == .normal)
        #expect((0..<6).allSatisfy { screen[$0, 1].role == .selected })
    }

    @Test(arguments: [("a", 1), ("é", 1), ("日", 2), ("🚀", 2), ("\u{301}", 0), ("\u{7}", 0), ("─", 1)])
    func displayWidths(_ text: String, _ width: Int) {
        #expect(DisplayWidth.of(Character(text)) == width)
    }
}
