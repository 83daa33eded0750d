import CNcursesw
import SluiceTUI

/// Turns what ncurses' `wget_wch` returns into keys.
enum KeyDecoder {
    /// A function key (`KEY_CODE_YES`) or nil for keys Sluice does not use.
    static func functionKey(_ code: UInt32) -> Key? {
        switch Int32(code) {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_BTAB: return .backTab
        case KEY_ENTER: return .enter
        case KEY_BACKSPACE: return .backspace
        case KEY_DC: return .delete
        default: return nil
        }
    }

    /// A typed character; control characters become the keys they are.
    static func character(_ value: UInt32) -> Key? {
        switch value {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26: return .control(Character(UnicodeScalar(UInt8(value) + 96)))
        default:
            guard value >= 32, let scalar = UnicodeScalar(value) else { return nil }
            return .character(Character(scalar))
        }
    }
}
