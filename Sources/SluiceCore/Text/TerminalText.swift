/// Text from outside Sluice (a server's banner or prompt, a SOCKS client's
/// host name, a file, the command line) made safe to show on a terminal.
///
/// A terminal obeys escape sequences: an ESC from a hostile server can
/// retitle the window, move the cursor or, on some terminals, type into the
/// shell. Bidirectional overrides and zero-width characters make text read
/// differently from what it is. So before such text reaches a terminal, a
/// log or a status line, every character that is not plainly visible is
/// shown as what it is, and the text is cut to a length a line can hold.
public enum TerminalText {
    /// The longest text from a server shown whole (a prompt, a reason).
    public static let serverTextLimit = 512
    /// The longest user input echoed back in a message.
    public static let echoLimit = 80

    /// `text` with control characters shown as `^[` (C0 and DEL) and other
    /// invisible or reordering characters (C1 controls, bidi controls,
    /// zero-width and other format characters, line separators, surrogates)
    /// as `<U+202E>`; cut to `limit` characters with a trailing "…".
    /// Newlines survive only with `keepNewlines` (multi-line instructions).
    /// Reads at most `limit` characters of `text`, however long it is.
    public static func sanitized(_ text: String, limit: Int = serverTextLimit, keepNewlines: Bool = false) -> String {
        // Most text is printable ASCII and short enough: returned as it is,
        // not rebuilt (Console passes every line it writes through here).
        let utf8 = text.utf8
        if utf8.count <= limit, utf8.allSatisfy({ ($0 >= 0x20 && $0 < 0x7F) || (keepNewlines && $0 == 0x0A) }) {
            return text
        }
        var result = ""
        var shown = 0
        for scalar in text.unicodeScalars {
            if shown >= limit {
                result += "…"
                return result
            }
            if scalar.value >= 0x20 && scalar.value < 0x7F {
                // Printable ASCII, by far the most common: no lookup needed.
                result.unicodeScalars.append(scalar)
            } else if keepNewlines && scalar == "\n" {
                result.unicodeScalars.append(scalar)
            } else if scalar.value < 0x20 {
                result += "^" + String(UnicodeScalar(UInt8(scalar.value) + 0x40))
            } else if scalar.value == 0x7F {
                result += "^?"
            } else if isUnsafe(scalar) {
                result += "<U+" + hex(scalar.value) + ">"
            } else {
                result.unicodeScalars.append(scalar)
            }
            shown += 1
        }
        return result
    }

    /// User input echoed back in a message: sanitised and cut short, so a
    /// 50 MB argument or an escape sequence never reaches stderr whole.
    public static func echo(_ text: String) -> String {
        sanitized(text, limit: echoLimit)
    }

    /// True when `text` holds a character that `sanitized` would rewrite:
    /// what names, hosts and addresses must never contain.
    public static func hasUnsafeCharacters(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || ($0.value >= 0x80 && isUnsafe($0)) }
    }

    /// Not plainly visible, or changes how the text around it reads:
    /// controls (Cc), format characters (Cf: bidi overrides and isolates,
    /// zero-width space and joiners, the BOM, soft hyphen), line and
    /// paragraph separators, surrogates and private-use characters.
    private static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned:
            return true
        default:
            return false
        }
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

extension TerminalText {
    /// PATH_MAX: no real path is longer.
    public static let pathLimit = 4096

    /// A file path in a message: sanitised like any outside text, cut only
    /// past the longest real path (a 50 MB `--store` argument is not one).
    public static func path(_ path: String) -> String {
        sanitized(path, limit: pathLimit)
    }
}
