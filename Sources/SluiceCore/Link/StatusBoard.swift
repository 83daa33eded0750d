import Foundation

/// The engine's live status, shared between the session threads that write
/// it and the screen or CLI that reads it. Readers get a consistent
/// snapshot; writers wake the readers' callbacks.
public final class StatusBoard: @unchecked Sendable {
    private let lock = NSLock()
    private var servers: [String: ServerStatus] = [:]
    private var order: [String] = []
    private var observers: [@Sendable () -> Void] = []

    public init() {}

    /// A copy of every server's status, in the order servers were added.
    public var snapshot: [ServerStatus] {
        lock.lock()
        defer { lock.unlock() }
        return order.compactMap { servers[$0] }
    }

    public func server(named name: String) -> ServerStatus? {
        lock.lock()
        defer { lock.unlock() }
        return servers[name]
    }

    /// `observer` is called, on the writer's thread, after each change.
    public func observe(_ observer: @escaping @Sendable () -> Void) {
        lock.lock()
        observers.append(observer)
        lock.unlock()
    }

    /// Called by links only (see ServerLink.retire).
    public func publish(_ status: ServerStatus) {
        lock.lock()
        guard servers[status.name] != status else {
            lock.unlock()
            return
        }
        if servers[status.name] == nil { order.append(status.name) }
        servers[status.name] = status
        let toCall = observers
        lock.unlock()
        toCall.forEach { $0() }
    }

    public func remove(_ name: String) {
        lock.lock()
        servers[name] = nil
        order.removeAll { $0 == name }
        let toCall = observers
        lock.unlock()
        toCall.forEach { $0() }
    }
}
