/// What covers the main screen and takes the keys while it is open.
public enum Overlay: Sendable, Equatable {
    case help
    case log
    case confirm(Confirmation)
    case serverForm(ServerForm)
    case forwardForm(ForwardForm)
    /// A forward's open connections, live.
    case connections(ConnectionsView)
}
