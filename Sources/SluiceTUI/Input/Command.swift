/// What a key does on the main screen. `KeyMap` says which keys do what.
public enum Command: Sendable, Hashable {
    case moveUp, moveDown
    case switchPane, focusServers, focusForwards
    case toggle, connections, connect, retry
    case addForward, addServer, edit, delete
    case copyAddress, copyCommand
    case filter, log, help, quit
}
