@testable import SluiceTUI
import SluiceCore
import Testing

@Suite("Text fields: a cursor and readline's keys")
struct TextFieldTests {
    private func edited(_ text: String, _ keys: [Key]) -> TextField {
        var field = TextField(text)
        for key in keys {
            let isEdit = field.edit(with: key)
            #expect(isEdit, "\(key) is an edit")
        }
        return field
    }

    @Test func typingGoesWhereTheCursorIs() {
        let field = edited("db.exmple.com", Array(repeating: .left, count: 8) + [.character("a")])
        #expect(field.text == "db.example.com")
        #expect(field.cursor == 6)
    }

    @Test func homeEndAndTheirControlKeys() {
        #expect(edited("host", [.home, .character(">")]).text == ">host")
        #expect(edited("host", [.control("a"), .character(">")]).text == ">host")
        #expect(edited("host", [.home, .end, .character("!")]).text == "host!")
        #expect(edited("host", [.home, .control("e"), .character("!")]).text == "host!")
        #expect(edited("host", [.home, .right, .control("f"), .character("-")]).text == "ho-st")
        #expect(edited("host", [.control("b"), .character("-")]).text == "hos-t")
    }

    @Test func theCursorStopsAtTheEnds() {
        #expect(edited("ab", [.left, .left, .left, .character("^")]).text == "^ab")
        #expect(edited("ab", [.right, .right, .character("$")]).text == "ab$")
    }

    @Test func backspaceAndDeleteAroundTheCursor() {
        #expect(edited("abcd", [.left, .left, .backspace]).text == "acd")
        #expect(edited("abcd", [.left, .left, .delete]).text == "abd")
        #expect(edited("abcd", [.left, .left, .control("d")]).text == "abd")
        #expect(edited("abcd", [.home, .backspace]).text == "abcd")
        #expect(edited("abcd", [.delete]).text == "abcd")
    }

    @Test func killKeys() {
        // Ctrl+U: from the start to the cursor; Ctrl+K: from the cursor to the end.
        let killedStart = edited("root@db:2222", [.left, .left, .left, .left, .left, .control("u")])
        #expect(killedStart.text == ":2222")
        #expect(killedStart.cursor == 0)
        #expect(edited("root@db:2222", [.home, .right, .right, .right, .right, .control("k")]).text == "root")
        // Ctrl+W: the spaces before the cursor, then the word before them.
        let word = edited("one two  three", Array(repeating: .left, count: 6) + [.control("w")])
        #expect(word.text == "one  three")
        #expect(word.cursor == 4)
    }

    @Test func aPasteLandsWholeAtTheCursor() {
        let field = edited("ssh ", [.paste("user@host:2222")])
        #expect(field.text == "ssh user@host:2222")
        #expect(field.cursor == 18)
        #expect(edited("@host", [.home, .paste("root")]).text == "root@host")
    }

    @Test func aPastedLineBreakIsNotKept() {
        #expect(edited("", [.paste("user@host:2222\n")]).text == "user@host:2222")
        #expect(edited("", [.paste("a\tb\nc\u{1B}[31m")]).text == "a b c[31m")
    }

    @Test func keysThatAreNotEditsAreLeftToTheForm() {
        var field = TextField("x")
        for key in [Key.tab, .enter, .up, .escape] {
            let isEdit = field.edit(with: key)
            #expect(!isEdit, "\(key) is not an edit")
        }
        #expect(field.text == "x")
    }

    /// A combining mark joins the character before it: the cursor counts
    /// characters as the text does, and the next key does not crash.
    @Test func aCombiningMarkKeepsTheCursorInTheText() {
        let accented = edited("caf", [.character("e"), .character("\u{301}"), .character("!")])
        #expect(accented.text == "caf\u{E9}!")
        #expect(accented.cursor == accented.text.count)
        let flags = edited("", [.character("\u{1F1E9}"), .character("\u{1F1EA}"), .left, .character(">")])
        #expect(flags.text == ">\u{1F1E9}\u{1F1EA}")
        let pasted = edited("cafe", [.paste("\u{301}!"), .backspace, .backspace])
        #expect(pasted.text == "caf")
    }

    /// A pasted page in a field of 20 columns: the end, where the cursor
    /// is, shows, with an ellipsis for what is cut at the start.
    @Test func aLongFieldScrollsToTheCursor() {
        let field = edited("", [.paste(String(repeating: "a", count: 10_000) + "END")])
        let parts = TextFieldView(field: field, isFocused: true, symbols: .unicode).parts(width: 20)
        let shown = parts.map(\.0).joined()
        #expect(shown.hasPrefix("…") && shown.hasSuffix("END "))
        #expect(DisplayWidth.of(shown) == 20)
        #expect(parts.last?.1 == .selected)
    }
}
