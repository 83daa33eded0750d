import SluiceCore
import Testing

@Suite struct TerminalTextTests {
    @Test(arguments: [
        ("plain host.example.com", "plain host.example.com"),
        ("\u{1B}]2;PWNED\u{07}", "^[]2;PWNED^G"),
        ("a\u{7F}b\u{01}", "a^?b^A"),
        ("line\nbreak\ttab", "line^Jbreak^Itab"),
        ("\u{9B}31m", "<U+009B>31m"),
        ("evil\u{202E}txt.exe", "evil<U+202E>txt.exe"),
        ("zero\u{200B}width", "zero<U+200B>width"),
        ("bom\u{FEFF}", "bom<U+FEFF>"),
        ("naïve café ✓", "naïve café ✓"),
    ])
    func showsEveryInvisibleCharacterAsWhatItIs(_ input: String, _ expected: String) {
        #expect(TerminalText.sanitized(input) == expected)
        #expect(TerminalText.hasUnsafeCharacters(input) == (input != expected))
    }

    @Test func keepsNewlinesOnlyWhenAsked() {
        #expect(TerminalText.sanitized("one\ntwo\u{1B}[2J", keepNewlines: true) == "one\ntwo^[[2J")
    }

    @Test func cutsLongTextWithoutReadingAllOfIt() {
        let huge = String(repeating: "x", count: 5_000_000)
        let shown = TerminalText.echo(huge)
        #expect(shown == String(repeating: "x", count: TerminalText.echoLimit) + "…")
        #expect(TerminalText.sanitized("abc", limit: 3) == "abc")
        #expect(TerminalText.sanitized("abcd", limit: 3) == "abc…")
    }
}
