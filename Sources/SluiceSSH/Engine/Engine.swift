import Foundation
import SluiceCore

/// Runs the forwards of many servers, one link per server (a session
/// thread for SSH, `agentLinks`' links for agent servers), and publishes
/// their live status on `board`.
public final class Engine: @unchecked Sendable {
    public let board = StatusBoard()
    private let prompter: any Prompter
    private let tuning: LinkTuning
    private let home: String
    /// One for all sessions: descriptors are the process's.
    private let descriptors = DescriptorReserve()
    /// One sequence for all sessions: a connection's number is unique in the engine.
    private let numbers = ConnectionNumbers()
    private let lock = NSLock()
    private let agentLinks: (any AgentLinkMaker)?
    private var loops: [String: any ServerLink] = [:]
    private var wakePipeSource: @Sendable () throws(SystemError) -> WakePipe = { () throws(SystemError) in try WakePipe() }

    /// Where sessions' wake-up pipes come from: `WakePipe.init`, or, in a
    /// test, one that fails as it does in a process out of descriptors
    /// (which a test cannot make its own process be: other tests share it).
    var makeWakePipe: @Sendable () throws(SystemError) -> WakePipe {
        get { lock.withLock { wakePipeSource } }
        set { lock.withLock { wakePipeSource = newValue } }
    }

    /// Without `agentLinks`, agent servers show as failed with a reason.
    public init(prompter: any Prompter, tuning: LinkTuning = LinkTuning(), home: String = HomeDirectory.path(),
                agentLinks: (any AgentLinkMaker)? = nil) {
        self.prompter = prompter
        self.tuning = tuning
        self.home = home
        self.agentLinks = agentLinks
    }

    /// Makes the running sessions match `servers`: enabled forwards come up,
    /// disabled or removed ones go down, untouched ones are not disturbed. A
    /// server whose connection settings changed gets a new session.
    public func apply(_ servers: [Server]) {
        lock.lock()
        defer { lock.unlock() }
        var stale = loops
        for server in servers {
            stale[server.name] = nil
            if let loop = loops[server.name], loop.serves(server) {
                loop.setForwards(server.forwards)
                continue
            }
            if let old = loops[server.name] {
                old.stop(drainUntil: nil)
                old.retire()
                // Let the old session release its ports before the new one binds them.
                _ = old.waitUntilStopped(timeout: 3)
            }
            startLink(for: server)
        }
        for (name, loop) in stale {
            loop.stop(drainUntil: nil)
            // Silenced first: a session still inside a blocking connect
            // speaks again only when that ends, after the wait below.
            loop.retire()
            loops[name] = nil
            // Ports are let go before another server's session binds them.
            _ = loop.waitUntilStopped(timeout: 3)
            board.remove(name)
        }
    }

    /// Tries a server again now, e.g. after the user fixed what it failed on.
    public func retry(server name: String) {
        lock.lock()
        defer { lock.unlock() }
        if let unavailable = loops[name] as? UnavailableLink, unavailable.retriable {
            startLink(for: unavailable.server)
            return
        }
        loops[name]?.retryNow()
    }

    /// The open connections of one forward (clients waiting for the link
    /// among them), oldest first, for a connections view; asked of the
    /// server's session thread, which owns them. `reply` is called once,
    /// on that thread or on the caller's: it must be quick and must not
    /// call back into the engine. It comes at once while the session is
    /// connecting (see SessionLoop.answerWhileBusy), else on the thread's
    /// next turn. Asking waits while `apply` replaces a session (up to a
    /// few seconds): a caller that must not block asks from the thread
    /// that applies, after it (as EngineDriver does).
    public func connections(server: String, forward: String,
                            reply: @escaping @Sendable (Result<[ConnectionStatus], ConnectionRequestError>) -> Void) {
        guard let loop = loop(named: server) else {
            reply(.failure(.unknownServer(server)))
            return
        }
        loop.connections(forward: forward, reply: reply)
    }

    /// Cuts connection `id` of a forward: its local socket is reset and its
    /// channel closed, so both ends see it fail rather than end. `reply`
    /// as for `connections`, once it is done; a close asked while the
    /// session is connecting is done (and answered) when that ends.
    public func closeConnection(_ id: UInt64, server: String, forward: String,
                                reply: @escaping @Sendable (Result<Void, ConnectionRequestError>) -> Void) {
        guard let loop = loop(named: server) else {
            reply(.failure(.unknownServer(server)))
            return
        }
        loop.closeConnection(id, forward: forward, reply: reply)
    }

    /// A new link for `server`, in place of any it had (already stopped);
    /// with the engine's lock held.
    private func startLink(for server: Server) {
        let loop = makeLink(for: server)
        loops[server.name] = loop
        loop.setForwards(server.forwards)
        loop.start()
    }

    private func makeLink(for server: Server) -> any ServerLink {
        if let settings = SessionSettings(server: server, home: home, connectTimeout: tuning.connectTimeout) {
            // The session's wake-up pipe is made first, so a shortage
            // (EMFILE, ENFILE) leaves nothing half-built: it is said on the
            // board, and a retry or the next change to the store tries again.
            do {
                let wake = try wakePipeSource()
                return SessionLoop(settings: settings, prompter: prompter, board: board, tuning: tuning, descriptors: descriptors, numbers: numbers,
                                   wake: wake)
            } catch {
                return UnavailableLink(server: server, board: board, reason: "cannot start its session: \(error); then retry it", retriable: true)
            }
        }
        if let agentLinks {
            return agentLinks.makeLink(for: server, board: board, numbers: numbers,
                                       backoff: Backoff(initial: tuning.reconnectInitial, maximum: tuning.reconnectMaximum))
        }
        return UnavailableLink(server: server, board: board, reason: "this engine was started without the agent transport: agent servers cannot run in it")
    }

    private func loop(named name: String) -> (any ServerLink)? {
        lock.lock()
        defer { lock.unlock() }
        return loops[name]
    }

    /// Call when the process may have been stopped or the machine asleep,
    /// e.g. on SIGCONT: every link that seems up is probed at once and
    /// given a few seconds (`LinkTuning.resumeProbeDeadline`) to answer,
    /// and every server being reconnected is tried now, without waiting
    /// out its pause. Cheap and safe to call at any time. Each session
    /// also notices a suspend or a long stop by itself (see SleepDetector);
    /// this covers a stop the session thread cannot see.
    public func linksMayHaveSlept() {
        lock.lock()
        defer { lock.unlock() }
        for loop in loops.values { loop.checkSoon() }
    }

    /// Closes every listener at once; open connections may finish until
    /// `drainDeadline` (nil: close them now). Returns when every session
    /// thread has ended, or after `drainDeadline` plus a few seconds.
    public func stop(drainDeadline: Date? = nil) {
        lock.lock()
        let running = Array(loops.values)
        lock.unlock()
        for loop in running { loop.stop(drainUntil: drainDeadline) }
        let limit = (drainDeadline ?? Date()).addingTimeInterval(Double(tuning.connectTimeout) + 5)
        for loop in running {
            _ = loop.waitUntilStopped(timeout: max(0, limit.timeIntervalSinceNow))
        }
    }

    /// Ends draining now: connections still open are closed.
    public func stopNow() {
        stop(drainDeadline: nil)
    }
}
