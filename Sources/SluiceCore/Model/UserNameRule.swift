/// What a user name to log in as may be. Looser than a host: OpenSSH
/// takes `me@corp` (ssh splits at the last '@') and names from directories
/// that allow almost anything, so only what can do harm is refused: an
/// invisible, control or space character, a leading '-' (an option to
/// whatever reads it), a '/' (no system has one in a user name, and
/// `ssh://` in one would not read back), and absurd lengths.
public enum UserNameRule {
    public static let maximumLength = 64

    /// The problem with `user`, worded to follow "the user name", or nil.
    public static func problem(with user: String) -> String? {
        if user.isEmpty { return "is empty" }
        if user.count > maximumLength { return "is longer than \(maximumLength) characters" }
        if user.hasPrefix("-") { return "starts with '-'" }
        if user.utf8.contains(UInt8(ascii: "/")) { return "contains '/'" }
        let hasSpace = user.unicodeScalars.contains { $0.isASCII ? $0 == " " : $0.properties.isWhitespace }
        if hasSpace || TerminalText.hasUnsafeCharacters(user),
           let bad = user.unicodeScalars.first(where: { $0.properties.isWhitespace || TerminalText.hasUnsafeCharacters(String($0)) }) {
            return "contains \(HostRule.describe(bad))"
        }
        return nil
    }
}
