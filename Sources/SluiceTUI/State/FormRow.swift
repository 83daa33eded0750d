/// One field of a form as the view draws it: forms describe themselves in
/// rows, so one view draws them all.
public struct FormRow: Sendable, Equatable {
    public var label: String
    /// The value shown; for a choice, every option with the chosen one marked.
    public var value: Value
    /// A grey hint after the value, e.g. "0: the server picks".
    public var hint: String?
    /// Why the value cannot be saved; shown under the field in red.
    public var error: String?
    /// Saving is allowed, but the user should know; shown in yellow.
    public var warning: String?
    public var isFocused: Bool

    public enum Value: Sendable, Equatable {
        case text(TextField)
        case choice([String], selected: Int)
    }
}
