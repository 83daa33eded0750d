import Foundation

/// Who answers on a control socket.
public struct EngineInfo: Sendable, Equatable, Codable {
    public var pid: Int32
    public var version: String
    /// The store it follows, as an absolute path.
    public var store: String
    public var started: Date

    public init(pid: Int32, version: String, store: String, started: Date) {
        self.pid = pid
        self.version = version
        self.store = store
        self.started = started
    }
}
