/// Keys, the command they run on the main screen, and how help explains it.
public struct KeyBinding: Sendable {
    public var keys: [Key]
    public var command: Command
    /// The short word on the key bar, e.g. "toggle".
    public var short: String
    /// The sentence on the help screen.
    public var help: String

    public var label: String { keys.map(\.label).joined(separator: "/") }
}
