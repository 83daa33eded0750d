/// The rule for server and forward names: users type them on the command
/// line as `SERVER/FORWARD`, so they must survive that unquoted, and they
/// are shown on the screen, so nothing in them may hide or reorder text.
public enum NameRule {
    public static let maximumLength = 64

    public static func problem(with name: String) -> String? {
        if name.isEmpty { return "it is empty" }
        if name.count > maximumLength { return "it is longer than \(maximumLength) characters" }
        if name.hasPrefix("-") { return "it starts with '-'" }
        if name.utf8.contains(UInt8(ascii: "/")) { return "it contains '/', which separates server and forward names" }
        if name.unicodeScalars.contains(where: { $0.isASCII ? $0.value <= 0x20 || $0.value == 0x7F : $0.properties.isWhitespace }) {
            return "it contains a space or a control character"
        }
        if TerminalText.hasUnsafeCharacters(name), let bad = name.unicodeScalars.first(where: { TerminalText.hasUnsafeCharacters(String($0)) }) {
            return "it contains \(HostRule.describe(bad)), an invisible or direction-changing character"
        }
        return nil
    }
}
