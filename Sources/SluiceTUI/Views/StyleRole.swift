/// What a piece of the screen means; SluiceTerminal alone maps roles to
/// colours (and to plain text under NO_COLOR).
public enum StyleRole: Sendable, Hashable, CaseIterable {
    case normal
    case title
    case selected
    /// The selected row of the list that does not have the focus.
    case current
    case ok
    case warning
    case error
    case muted
    case key
}
