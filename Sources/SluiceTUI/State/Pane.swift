/// The two lists of the main screen.
public enum Pane: Sendable, Equatable {
    case servers
    case forwards
}
