/// Why the screen could not be opened.
public struct TerminalError: Error, CustomStringConvertible, Sendable {
    public var description: String
}
