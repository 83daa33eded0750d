import CNcursesw
import Glibc

/// Puts the terminal back as it was if Sluice dies from a signal it cannot
/// handle in order (a crash): restores the saved tty modes and leaves the
/// alternate screen, using only async-signal-safe calls, then lets the
/// signal do what it would have done.
enum TerminalRescue {
    nonisolated(unsafe) private static var savedModes = termios()
    nonisolated(unsafe) private static var hasSavedModes = false
    /// Leave the alternate screen, show the cursor, reset colours, stop
    /// mouse reports and bracketed paste.
    private static let reset: StaticString = "\u{1B}[?1049l\u{1B}[?25h\u{1B}[0m\u{1B}[?1000l\u{1B}[?1006l\u{1B}[?2004l\r\n"

    static let crashSignals: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGABRT]

    /// Remembers the tty modes; call before curses changes them.
    static func arm() {
        hasSavedModes = tcgetattr(STDIN_FILENO, &savedModes) == 0
        for number in crashSignals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { received in
                TerminalRescue.rescue()
                signal(received, SIG_DFL)
                raise(received)
            }
            sigaction(number, &action, nil)
        }
    }

    static func disarm() {
        for number in crashSignals { signal(number, SIG_DFL) }
    }

    private static func rescue() {
        if hasSavedModes { tcsetattr(STDIN_FILENO, TCSANOW, &savedModes) }
        _ = reset.withUTF8Buffer { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
    }
}
