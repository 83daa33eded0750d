/// Everything the store file holds: the saved servers and their forwards.
public struct StoreDocument: Sendable, Hashable {
    /// The store format this build reads and writes.
    /// Version 2 adds agent servers; a store without any is still
    /// written as version 1, so an older Sluice goes on reading it.
    public static let currentVersion = 2

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
