/// The one table of the main screen's keys: dispatch, the key bar and the
/// help screen all read it, so they cannot disagree.
public enum KeyMap {
    public static let main: [KeyBinding] = [
        KeyBinding(keys: [.up, .character("k")], command: .moveUp, short: "up", help: "Move up"),
        KeyBinding(keys: [.down, .character("j")], command: .moveDown, short: "down", help: "Move down"),
        KeyBinding(keys: [.tab, .backTab], command: .switchPane, short: "pane", help: "Switch between servers and forwards"),
        KeyBinding(keys: [.character("h"), .left], command: .focusServers, short: "servers", help: "Go to the servers"),
        KeyBinding(keys: [.character("l"), .right], command: .focusForwards, short: "forwards", help: "Go to the forwards"),
        KeyBinding(keys: [.space], command: .toggle, short: "on/off",
                   help: "Switch the forward on/off; on a server, show its forwards"),
        KeyBinding(keys: [.enter], command: .connections, short: "conns",
                   help: "Show the forward's open connections, live (x closes one); on a server, show its forwards"),
        KeyBinding(keys: [.character("c")], command: .connect, short: "connect",
                   help: "Connect/disconnect the server: all its forwards on/off"),
        KeyBinding(keys: [.character("r")], command: .retry, short: "retry", help: "Retry the server's connection now"),
        KeyBinding(keys: [.character("a")], command: .addForward, short: "add", help: "Add a forward to the selected server"),
        KeyBinding(keys: [.character("A")], command: .addServer, short: "server", help: "Add a server"),
        KeyBinding(keys: [.character("e")], command: .edit, short: "edit", help: "Edit the selected server or forward"),
        KeyBinding(keys: [.character("d"), .delete], command: .delete, short: "delete", help: "Delete the selected server or forward (asks first)"),
        KeyBinding(keys: [.character("y")], command: .copyAddress, short: "copy",
                   help: "Copy the forward's address to use (a server's destination) to the clipboard"),
        KeyBinding(keys: [.character("Y")], command: .copyCommand, short: "copy ssh",
                   help: "Copy the same forward (a server's forwards) as an ssh command"),
        KeyBinding(keys: [.character("/")], command: .filter, short: "filter", help: "Filter by name, host or port (Esc clears)"),
        KeyBinding(keys: [.character("L")], command: .log, short: "log", help: "Show the log of recent events"),
        KeyBinding(keys: [.character("?")], command: .help, short: "help", help: "Show this help"),
        KeyBinding(keys: [.character("q"), .control("c")], command: .quit, short: "quit",
                   help: "Quit (asks whether forwards that are on keep running)"),
    ]

    /// The commands on the key bar at the bottom, most useful first; a
    /// narrow screen shows as many as fit, and always `barAlways`.
    public static let bar: [Command] = [.toggle, .connections, .addForward, .addServer, .edit, .delete, .connect, .filter, .log, .help, .quit]
    public static let barAlways: [Command] = [.help, .quit]

    /// Keys inside forms and dialogs, for the help screen.
    public static let dialogs: [(keys: String, help: String)] = [
        ("Tab/↓ Shift+Tab/↑", "next or previous field"),
        ("←/→ Home/End Ctrl+A/E", "move in the field; on Kind ←/→ change the kind"),
        ("Backspace/Delete Ctrl+W/U/K", "delete a character, the word before, to the start, to the end"),
        ("Enter", "save or answer"),
        ("Esc", "cancel, nothing saved"),
        ("yes/once/no", "host key: trust and remember, trust once, reject"),
    ]

    /// What the mouse does, for the help screen.
    public static let mouse: [(action: String, help: String)] = [
        ("Click", "select a server or forward; on ON, switch the forward; on the key bar, run it"),
        ("Wheel", "move through the list under the pointer; scroll the log"),
        ("Paste", "goes whole into the field being typed in, never read as keys"),
    ]

    public static func command(for key: Key) -> Command? {
        main.first { $0.keys.contains(key) }?.command
    }

    public static func binding(for command: Command) -> KeyBinding? {
        main.first { $0.command == command }
    }
}
