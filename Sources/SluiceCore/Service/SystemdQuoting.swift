/// Words written into a systemd unit's `ExecStart=` so that systemd hands
/// the program exactly these strings (systemd.service(5), "Command lines";
/// systemd.syntax(7), "Quoting").
///
/// systemd reads an ExecStart= line in three passes, each of which a path
/// can trip: `%` starts a specifier when the unit is loaded (`%h` is the
/// home folder), quotes and backslashes split and unescape words, and `$`
/// starts a variable when the command runs. So `%` is written `%%`, a word
/// with anything but plain characters goes in double quotes with `\` and
/// `"` escaped, and `$` in an argument is written `$$`. Not in the
/// executable: systemd looks the program up before expanding variables, so
/// a `$` there is already literal and `$$` would name another file.
///
/// Characters a unit file cannot hold as they are (a newline would end the
/// line) or that would make it read differently than it is (a bidi
/// override) are written as C escapes, which systemd decodes inside words.
public enum SystemdQuoting {
    /// False for a path systemd refuses as a program to run, whatever the
    /// quoting: one holding a quote, a backslash or a control character.
    public static func canRun(_ executable: String) -> Bool {
        !executable.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || $0 == "\"" || $0 == "'" || $0 == "\\" }
    }

    /// The value of `ExecStart=` running `executable` (an absolute path
    /// that systemd `canRun`) with `arguments`.
    public static func commandLine(executable: String, arguments: [String]) -> String {
        ([word(executable, literalDollars: true)] + arguments.map { word($0, literalDollars: false) })
            .joined(separator: " ")
    }

    /// One word as systemd will split it back out. `literalDollars` says
    /// `$` needs no doubling (the executable's position).
    static func word(_ text: String, literalDollars: Bool) -> String {
        var body = ""
        var needsQuotes = text.isEmpty
        for scalar in text.unicodeScalars {
            switch scalar {
            case "%":
                body += "%%"
            case "$":
                body += literalDollars ? "$" : "$$"
            case "\\", "\"":
                body += "\\" + String(scalar)
                needsQuotes = true
            case " ", "'", ";":
                body.unicodeScalars.append(scalar)
                needsQuotes = true
            case "\t":
                body += "\\t"
                needsQuotes = true
            case "\n":
                body += "\\n"
                needsQuotes = true
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    body += "\\x" + hex(scalar.value, digits: 2)
                    needsQuotes = true
                } else if scalar.value >= 0x80 && TerminalText.hasUnsafeCharacters(String(scalar)) {
                    body += scalar.value <= 0xFFFF ? "\\u" + hex(scalar.value, digits: 4) : "\\U" + hex(scalar.value, digits: 8)
                    needsQuotes = true
                } else {
                    body.unicodeScalars.append(scalar)
                }
            }
        }
        return needsQuotes ? "\"" + body + "\"" : body
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
