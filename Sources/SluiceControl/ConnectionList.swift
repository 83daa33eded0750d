import SluiceCore

/// What a `connections` request asked for: one forward's open connections,
/// oldest first, named so a reply can be matched to the view it is for.
public struct ConnectionList: Sendable, Equatable {
    public var server: String
    public var forward: String
    public var connections: [ConnectionStatus]

    public init(server: String, forward: String, connections: [ConnectionStatus]) {
        self.server = server
        self.forward = forward
        self.connections = connections
    }
}
