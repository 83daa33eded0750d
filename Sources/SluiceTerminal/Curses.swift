import CNcursesw

/// Facts about the ncursesw this binary runs against.
public enum Curses {
    /// The version of the loaded ncurses library, e.g. "ncurses 6.4.20221231".
    public static var runtimeVersion: String {
        guard let version = curses_version() else { return "unknown" }
        return String(cString: version)
    }
}
