/// A key press, as the terminal driver reports it.
public enum Key: Hashable, Sendable {
    case character(Character)
    /// Ctrl with a letter, given in lower case: `.control("u")` is Ctrl+U.
    case control(Character)
    case up, down, left, right, home, end, pageUp, pageDown
    case tab, backTab, enter, escape, backspace, delete
    /// Text the terminal says was pasted (bracketed paste): typed into a
    /// field whole, never read as commands.
    case paste(String)
    case mouse(MouseEvent)

    public static let space = Key.character(" ")

    /// How the help screen writes the key.
    public var label: String {
        switch self {
        case .character(" "): return "Space"
        case .character(let character): return String(character)
        case .control(let letter): return "Ctrl+\(letter.uppercased())"
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .home: return "Home"
        case .end: return "End"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .tab: return "Tab"
        case .backTab: return "Shift+Tab"
        case .enter: return "Enter"
        case .escape: return "Esc"
        case .backspace: return "Backspace"
        case .delete: return "Delete"
        case .paste: return "Paste"
        case .mouse(let event): return event.label
        }
    }
}
