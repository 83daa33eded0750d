import CNcursesw
import Glibc
import SluiceTUI

/// The terminal under curses: copies screen buffers to it, reads keys,
/// follows its size. The only type that touches ncurses' screen.
public final class Terminal {
    /// The characters this terminal can show (from the locale).
    public let symbols: Symbols
    private let palette: Palette
    private var isOpen = true

    /// Opens the full screen. Colours follow the terminal unless `NO_COLOR`
    /// is set, as https://no-color.org asks.
    public init(environment: [String: String]) throws(TerminalError) {
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
        while true {
            let kind = wget_wch(sluice_stdscr(), &value)
            if kind == ERR { break }
            if kind == KEY_CODE_YES {
                if Int32(value) == KEY_RESIZE { resized = true } else if let key = KeyDecoder.functionKey(value) { keys.append(key) }
            } else if let key = KeyDecoder.character(value) {
                keys.append(key)
            }
        }
        return (keys, resized)
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
        endwin()
        TerminalRescue.disarm()
    }
}
