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

    /// Whatever a view hands it (a server's prompt, a status error), no cell
    /// ends up holding a character the terminal would obey or hide.
    @Test func neverStoresAControlOrInvisibleCharacter() {
        var screen = ScreenBuffer(width: 60, height: 3)
        screen.write("\u{1B}]2;PWNED\u{07}\u{1B}[2Jok\u{9B}1m", x: 0, y: 0)
        screen.write("a\u{200D}b\u{202E}c\r\n\u{7F}", x: 0, y: 1, role: .error)
        screen.write("\u{1B}[31m long enough to be cut", x: 0, y: 2, maxWidth: 12, ellipsis: "\u{1B}")
        #expect(screen.lines == ["^[]2;PWNED^G^[[2Jok<U+009B>1m", "a<U+200D>b<U+202E>c^M^J^?", "^[[31m lon^["])
        for cell in screen.cells {
            for scalar in cell.character.unicodeScalars {
                #expect(scalar.value >= 0x20 && !(0x7F..<0xA0).contains(scalar.value), "\(scalar.value)")
                #expect(scalar.properties.generalCategory != .format, "\(scalar.value)")
            }
        }
    }

    @Test(arguments: [("a", 1), ("é", 1), ("日", 2), ("🚀", 2), ("\u{301}", 0), ("\u{7}", 0), ("─", 1)])
    func displayWidths(_ text: String, _ width: Int) {
        #expect(DisplayWidth.of(Character(text)) == width)
    }
}
