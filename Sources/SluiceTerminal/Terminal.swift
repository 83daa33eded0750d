import CNcursesw
import Foundation
import Glibc
import SluiceTUI

/// The terminal under curses: copies screen buffers to it, reads keys,
/// follows its size. The only type that touches ncurses' screen.
public final class Terminal {
    /// The characters this terminal can show (from the locale).
    public let symbols: Symbols
    /// True when clicks and the wheel are reported (`Key.mouse`).
    public let hasMouse: Bool
    private let palette: Palette
    private var isOpen = true
    /// A paste under way: its end may come in a later read.
    private var paste: PasteCollector?

    /// Key codes given to the bracketed paste markers (past ncurses' own).
    private static let pasteBegins: Int32 = KEY_MAX + 1
    private static let pasteEnds: Int32 = KEY_MAX + 2
    /// Asks the terminal to mark pasted text (ESC[200~ ... ESC[201~), and
    /// to stop.
    private static let bracketedPasteOn = "\u{1B}[?2004h"
    private static let bracketedPasteOff = "\u{1B}[?2004l"

    /// Opens the full screen. Colours follow the terminal unless `NO_COLOR`
    /// is set, as https://no-color.org asks; the mouse is used unless
    /// `mouse` is false or the terminal has none.
    public init(environment: [String: String], mouse: Bool = true) throws(TerminalError) {
        setlocale(LC_ALL, "")
        symbols = sluice_locale_is_utf8() != 0 ? .unicode : .ascii
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw TerminalError(description: "the screen needs a terminal; to run forwards without one, use: sluice up")
        }
        TerminalRescue.arm()
        guard sluice_open_screen() != nil else {
            TerminalRescue.disarm()
            let name = environment["TERM"] ?? "(unset)"
            throw TerminalError(description: "cannot use the terminal type TERM=\(name); try TERM=xterm-256color")
        }
        let screen = sluice_stdscr()
        raw()
        noecho()
        nonl()
        keypad(screen, true)
        nodelay(screen, true)
        intrflush(screen, false)
        set_escdelay(25)
        curs_set(0)
        let wantsColor = (environment["NO_COLOR"] ?? "").isEmpty && has_colors()
        if wantsColor {
            start_color()
            use_default_colors()
        }
        palette = Palette(colors: wantsColor)
        hasMouse = mouse && sluice_enable_mouse() != 0
        define_key("\u{1B}[200~", Self.pasteBegins)
        define_key("\u{1B}[201~", Self.pasteEnds)
        Self.send(Self.bracketedPasteOn)
    }

    deinit {
        restore()
    }

    /// Columns and rows now.
    public var size: (width: Int, height: Int) {
        (Int(sluice_columns()), Int(sluice_lines()))
    }

    /// Puts `buffer` on the screen; curses sends only the cells that changed.
    public func draw(_ buffer: ScreenBuffer) {
        let screen = sluice_stdscr()
        var cell = cchar_t()
        for y in 0..<buffer.height {
            for x in 0..<buffer.width {
                let source = buffer[x, y]
                if source.isContinuation { continue }
                var text = source.character.unicodeScalars.prefix(4).map { wchar_t(bitPattern: $0.value) }
                text.append(0)
                let style = palette.style(for: source.role)
                setcchar(&cell, text, style.attributes, style.pair, nil)
                mvwadd_wch(screen, Int32(y), Int32(x), &cell)
            }
        }
        wnoutrefresh(screen)
        doupdate()
    }

    /// The keys waiting on stdin; `resized` when the terminal changed size.
    public func readKeys() -> (keys: [Key], resized: Bool) {
        var keys: [Key] = []
        var resized = false
        var value: wint_t = 0
        let now = ContinuousClock.now
        if let open = paste, open.isQuiet(at: now) {
            keys.append(open.key)
            paste = nil
        }
        while true {
            let kind = wget_wch(sluice_stdscr(), &value)
            if kind == ERR { break }
            if kind == KEY_CODE_YES {
                switch Int32(value) {
                case KEY_RESIZE: resized = true
                case Self.pasteBegins: paste = PasteCollector(at: now)
                case Self.pasteEnds:
                    if let open = paste { keys.append(open.key) }
                    paste = nil
                case sluice_key_mouse():
                    if paste == nil, let event = Self.mouseEvent() { keys.append(.mouse(event)) }
                default:
                    if paste == nil, let key = KeyDecoder.functionKey(value) { keys.append(key) }
                }
            } else if paste != nil {
                // Inside a paste every character is text, Enter included.
                if let scalar = UnicodeScalar(value), paste?.take(scalar, at: now) == true, let open = paste {
                    keys.append(open.key)
                    paste = nil
                }
            } else if let key = KeyDecoder.character(value) {
                keys.append(key)
            }
        }
        return (keys, resized)
    }

    private static func mouseEvent() -> MouseEvent? {
        var x: Int32 = 0, y: Int32 = 0
        switch sluice_read_mouse(&x, &y) {
        case 1: return MouseEvent(.press, x: Int(x), y: Int(y))
        case 2: return MouseEvent(.wheelUp, x: Int(x), y: Int(y))
        case 3: return MouseEvent(.wheelDown, x: Int(x), y: Int(y))
        default: return nil
        }
    }

    /// Writes terminal control text straight to the terminal, past curses
    /// (which would draw it as characters): OSC 52, mode switches.
    static func send(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { write(STDOUT_FILENO, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            offset += written
        }
    }

    /// Puts `text` on the clipboard of the terminal (and of the machine the
    /// terminal runs on, over SSH too) with OSC 52, as xterm, kitty, iTerm2,
    /// WezTerm, foot and Windows Terminal take it; tmux passes it on with
    /// `set-clipboard on`.
    public func copyToClipboard(_ text: String) {
        Self.send("\u{1B}]52;c;\(Data(text.utf8).base64EncodedString())\u{07}")
    }

    /// Takes the terminal's new size after SIGWINCH.
    public func followResize() {
        var window = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &window) == 0, window.ws_row > 0, window.ws_col > 0 else { return }
        resizeterm(Int32(window.ws_row), Int32(window.ws_col))
        wclear(sluice_stdscr())
    }

    /// Gives the terminal back as it was. Safe to call more than once.
    public func restore() {
        guard isOpen else { return }
        isOpen = false
        if hasMouse { mousemask(0, nil) }
        endwin()
        Self.send(Self.bracketedPasteOff)
        TerminalRescue.disarm()
    }
}
