import Foundation

/// Words written as a POSIX shell reads them back, for commands a user
/// copies and pastes (Sluice itself never hands a string to a shell).
public enum ShellWords {
    /// Each word as it is when it needs no quoting, else in single quotes
    /// (a single quote inside written as '\'').
    public static func joined(_ words: [String]) -> String {
        words.map(quoted).joined(separator: " ")
    }

    static func quoted(_ word: String) -> String {
        let plain = !word.isEmpty && word.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "@%+=:,./_-".unicodeScalars.contains(scalar))
        }
        // A leading ~ would be expanded, a leading = too (by zsh).
        if plain && word.first != "~" && word.first != "=" { return word }
        if word.hasPrefix("~/") && quoted(String(word.dropFirst(2))) == String(word.dropFirst(2)) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
