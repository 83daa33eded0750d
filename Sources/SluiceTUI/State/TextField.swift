import Foundation

/// One line of text the user types into. Editing happens at the end, as in
/// a shell prompt: enough for names, hosts and ports.
public struct TextField: Sendable, Equatable {
    public var text: String
    /// Shown as dots: passwords and passphrases.
    public var isSecret: Bool

    public init(_ text: String = "", isSecret: Bool = false) {
        self.text = text
        self.isSecret = isSecret
    }

    /// Applies an editing key; false when the key is not an edit.
    public mutating func edit(with key: Key) -> Bool {
        switch key {
        case .character(let character):
            text.append(character)
        case .backspace:
            if !text.isEmpty { text.removeLast() }
        case .control("u"):
            text = ""
        case .control("w"):
            while text.last == " " { text.removeLast() }
            while let last = text.last, last != " " { text.removeLast() }
        default:
            return false
        }
        return true
    }

    public var trimmed: String { text.trimmingCharacters(in: .whitespaces) }

    /// What the screen shows: the text, or `mask` for each character of a secret.
    public func shown(mask: Character) -> String {
        isSecret ? String(repeating: mask, count: text.count) : text
    }
}
