/// `SERVER/FORWARD`, the way users name one forward on the command line.
public struct ForwardReference: Sendable, Hashable, CustomStringConvertible {
    public var server: String
    public var forward: String

    public init(server: String, forward: String) {
        self.server = server
        self.forward = forward
    }

    public init(parsing text: String) throws(SluiceError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { throw .badForwardReference(text) }
        self.init(server: String(parts[0]), forward: String(parts[1]))
    }

    public var description: String { "\(server)/\(forward)" }
}
