import Foundation

/// One line of text the user types into, with a cursor that moves and
/// edits as in a shell prompt (readline's keys): ←/→, Home/End, Ctrl+A/E,
/// Backspace, Delete, Ctrl+W, Ctrl+U, Ctrl+K, and pasted text inserted whole.
public struct TextField: Sendable, Equatable {
    public private(set) var text: String
    /// Where typing goes: the number of characters before the cursor.
    public private(set) var cursor: Int
    /// Shown as dots: passwords and passphrases.
    public var isSecret: Bool

    /// A field holding `text`, the cursor after it.
    public init(_ text: String = "", isSecret: Bool = false) {
        self.text = text
        cursor = text.count
        self.isSecret = isSecret
    }

    /// Applies an editing key; false when the key is not an edit (the form
    /// may use it, e.g. ←/→ on a choice).
    public mutating func edit(with key: Key) -> Bool {
        var characters = Array(text)
        switch key {
        case .character(let character):
            characters.insert(character, at: cursor)
            cursor += 1
        case .paste(let pasted):
            let typed = Self.singleLine(pasted)
            characters.insert(contentsOf: typed, at: cursor)
            cursor += typed.count
        case .backspace, .control("h"):
            guard cursor > 0 else { return true }
            characters.remove(at: cursor - 1)
            cursor -= 1
        case .delete, .control("d"):
            guard cursor < characters.count else { return true }
            characters.remove(at: cursor)
        case .left, .control("b"):
            cursor = max(0, cursor - 1)
        case .right, .control("f"):
            cursor = min(characters.count, cursor + 1)
        case .home, .control("a"):
            cursor = 0
        case .end, .control("e"):
            cursor = characters.count
        case .control("u"):
            characters.removeSubrange(0..<cursor)
            cursor = 0
        case .control("k"):
            characters.removeSubrange(cursor...)
        case .control("w"):
            var start = cursor
            while start > 0, characters[start - 1] == " " { start -= 1 }
            while start > 0, characters[start - 1] != " " { start -= 1 }
            characters.removeSubrange(start..<cursor)
            cursor = start
        default:
            return false
        }
        // A combining mark or a second regional indicator joins the
        // character before it: the text may have fewer characters than the
        // array had, and the cursor must count as the text does.
        let before = String(characters[..<min(cursor, characters.count)])
        text = String(characters)
        cursor = min(before.count, text.count)
        return true
    }

    public var trimmed: String { text.trimmingCharacters(in: .whitespaces) }

    /// What the screen shows: the text, or `mask` for each character of a secret.
    public func shown(mask: Character) -> String {
        isSecret ? String(repeating: mask, count: text.count) : text
    }

    /// Pasted text as one line: line breaks and tabs become spaces (a host
    /// copied with its newline still fits), other control characters go.
    static func singleLine(_ pasted: String) -> [Character] {
        var characters: [Character] = []
        for character in pasted {
            if character == "\r\n" || character == "\n" || character == "\r" || character == "\t" {
                characters.append(" ")
            } else if !character.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                characters.append(character)
            }
        }
        // A trailing line break is part of the copy, not of the value.
        while characters.last == " ", pasted.last?.isNewline == true { characters.removeLast() }
        return characters
    }
}
