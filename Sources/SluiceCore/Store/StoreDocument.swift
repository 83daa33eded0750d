/// Everything the store file holds: the saved servers and their forwards.
public struct StoreDocument: Sendable, Hashable {
    /// The store format this build reads and writes.
    public static let currentVersion = 1

    public var servers: [Server]

    public init(servers: [Server] = []) {
        self.servers = servers
    }

    public func server(named name: String) throws(SluiceError) -> Server {
        guard let server = servers.first(where: { $0.name == name }) else {
            throw .unknownServer(name, known: servers.map(\.name))
        }
        return server
    }
}
