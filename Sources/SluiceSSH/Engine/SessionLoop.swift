import Foundation
import SluiceCore

/// One server's session thread. It alone touches the server's SSH session,
/// channels, listeners and sockets; other threads talk to it through
/// `send`, and read its state from the status board.
final class SessionLoop: @unchecked Sendable {
    typealias Instant = ContinuousClock.Instant

    enum Command {
        /// The server's forwards as they should be (enabled or not).
        case setForwards([Forward])
        /// Try to connect now, e.g. after the user fixed a key.
        case retryNow
        /// Stop: close listeners, and either let open connections finish
        /// (up to the deadline) or close them at once.
        case stop(drainUntil: Date?)
        /// The open connections of one forward, for a connections view.
        case listConnections(forward: String, reply: ConnectionsReply)
        /// Cut one connection (see `Connection.abort`).
        case closeConnection(forward: String, id: UInt64, reply: CloseReply)

        /// Answers a question that can no longer be asked; other commands
        /// need no answer.
        func refuse(_ error: ConnectionRequestError) {
            switch self {
            case .listConnections(_, let reply): reply(.failure(error))
            case .closeConnection(_, _, let reply): reply(.failure(error))
            case .setForwards, .retryNow, .stop: break
            }
        }
    }

    /// Answers come on the session thread: they must be quick, and must not
    /// call back into the engine.
    typealias ConnectionsReply = @Sendable (Result<[ConnectionStatus], ConnectionRequestError>) -> Void
    typealias CloseReply = @Sendable (Result<Void, ConnectionRequestError>) -> Void

    let settings: SessionSettings
    let prompter: any Prompter
    let board: StatusBoard
    let tuning: LinkTuning
    let descriptors: DescriptorReserve
    let numbers: ConnectionNumbers

    private let wake: WakePipe
    private let inboxLock = NSLock()
    private var inbox: [Command] = []
    /// While the thread is inside a call that may keep it for long (a
    /// connect, a question waiting for a person), questions about
    /// connections are answered at once from these lists, made just before
    /// (see `answerWhileBusy`): nothing but held clients exists then, and
    /// they only wait.
    private var answersWhileBusy: [String: [ConnectionStatus]]?
    /// Set when the thread ends: what is sent after is refused at once, so
    /// no question waits for an answer that would never come.
    private var inboxClosed = false
    /// Set by `checkSoon`; taken right after poll() returns, like the
    /// loop's own sleep check, before any client is served.
    private var sleepCheckRequested = false
    /// Set by `retire`; held while a status goes to the board, so none
    /// arrives after `retire` returns. The board's observers run under it:
    /// they only wake their owners, and must never call into the engine.
    private let publishing = NSLock()
    private var retired = false
    /// Said when the thread has ended.
    private let ended = EndSignal()

    // Loop-thread state from here on.
    var forwards: [ForwardRuntime] = []
    var connections: [Connection] = []
    /// -D connections whose clients have not yet named a target, oldest
    /// (next to time out) first.
    var socksDeadlines = ExpiryQueue<Connection>()
    /// Clients of -L and -D forwards accepted while the link is down, in
    /// the order they came (so the first is the first to give up on).
    var heldClients: [HeldClient] = []
    /// Channels of ended connections still waiting for the server's answer
    /// to their open; closed once it comes.
    var unansweredChannels: [SSHChannel] = []
    /// The session's packet count when opens and -R connections were last
    /// looked for (see `checkOpensAndAccepts`).
    var packetsAtLastOpenCheck: UInt64 = 0
    /// Look for them on the next turn whatever the count says.
    var openCheckForced = true
    /// Where a connection's held bytes land while its window is raised
    /// (see `Connection.growWindow`); one for all. Raw memory, not an
    /// array: a mutable borrow of a stored array can copy it first.
    let windowScratch = UnsafeMutableRawBufferPointer.allocate(byteCount: ReceiveWindow.maximum, alignment: 16)
    /// Storage for the connections' queues, shared: it follows the bytes
    /// in flight, not the connections open.
    let queueStorage = QueueStoragePool()
    /// Where in `connections` this turn starts serving (see `pumpOnce`).
    var servingStart = 0
    /// What one turn reads from local sockets toward the server, at most
    /// (one read may pass it). libssh keeps what the socket does not take
    /// at once; when a crowd of clients all sent at once, reading from
    /// every one in a turn left 1,000 × 64 KiB in libssh's output buffer
    /// (which never shrinks: 32 MiB for the session's life).
    static let upBytesPerTurn = 1024 * 1024
    var session: SSHSession?
    var link = ServerStatus.Link.idle
    var linkError: String?
    /// How the link runs ("via bastion"), and what the user should know
    /// about how it was made (a host key trusted on first use).
    var route: String?
    var notices: [String] = []
    var linkSince = Date()
    var backoff: Backoff
    var nextAttempt = ContinuousClock.now
    var keepalive: KeepaliveMonitor?
    var sleepDetector = SleepDetector(.now())
    var stopDeadline: Instant?
    var stopping = false
    var lastPublished: Instant?
    var statusDirty = true

    deinit {
        windowScratch.deallocate()
    }

    init(settings: SessionSettings, prompter: any Prompter, board: StatusBoard, tuning: LinkTuning, descriptors: DescriptorReserve,
         numbers: ConnectionNumbers, wake: WakePipe) {
        self.wake = wake
        self.settings = settings
        self.prompter = prompter
        self.board = board
        self.tuning = tuning
        self.descriptors = descriptors
        self.numbers = numbers
        backoff = Backoff(initial: tuning.reconnectInitial, maximum: tuning.reconnectMaximum)
    }

    func start() {
        ThreadSignals.startThread(named: "sluice-\(settings.serverName)") { [self] in
            run()
            ended.signal()
        }
    }

    /// The process may have been stopped or the machine asleep (it got
    /// SIGCONT): the link is checked on the loop's next wake.
    func checkSoon() {
        inboxLock.lock()
        sleepCheckRequested = true
        inboxLock.unlock()
        wake.wake()
    }

    /// True once after each `checkSoon`.
    func takeSleepCheckRequest() -> Bool {
        inboxLock.lock()
        defer { inboxLock.unlock() }
        let requested = sleepCheckRequested
        sleepCheckRequested = false
        return requested
    }

    /// The server left the engine, or another session replaced this one:
    /// whatever this thread still says (a blocking connect may end long
    /// after it was told to stop) no longer reaches the board.
    func retire() {
        publishing.lock()
        retired = true
        publishing.unlock()
    }

    func send(_ command: Command) {
        inboxLock.lock()
        if inboxClosed {
            inboxLock.unlock()
            command.refuse(.sessionEnded(server: settings.serverName))
            return
        }
        if case let .listConnections(forward, reply) = command, let answers = answersWhileBusy {
            inboxLock.unlock()
            reply(answers[forward].map { .success($0) } ?? .failure(.unknownForward(server: settings.serverName, forward: forward)))
            return
        }
        inbox.append(command)
        inboxLock.unlock()
        wake.wake()
    }

    /// Call before a call that may keep the thread: until `answerFromLoop`,
    /// questions about connections get `lists` (by forward name) at once.
    /// Closes still wait for the loop.
    func answerWhileBusy(_ lists: [String: [ConnectionStatus]]) {
        inboxLock.withLock { answersWhileBusy = lists }
    }

    func answerFromLoop() {
        inboxLock.withLock { answersWhileBusy = nil }
    }

    /// The thread is ending: what waits is refused, and so is what comes.
    private func closeInbox() {
        inboxLock.lock()
        inboxClosed = true
        let left = inbox
        inbox.removeAll()
        inboxLock.unlock()
        for command in left { command.refuse(.sessionEnded(server: settings.serverName)) }
    }

    /// Waits for the thread to end; false if it did not within `timeout`.
    func waitUntilStopped(timeout: TimeInterval) -> Bool {
        ended.wait(timeout: timeout)
    }

    private func run() {
        descriptors.addWaker(for: self) { [weak self] in self?.wake.wake() }
        defer { descriptors.removeWaker(for: self) }
        publish(force: true)
        while true {
            takeCommands()
            if stopping && (connections.isEmpty || .now >= (stopDeadline ?? .now)) { break }
            bindListeners()
            if wantsLink && session == nil && !stopping && link != .failed && .now >= nextAttempt {
                connect()
            } else if !wantsLink && session != nil && connections.isEmpty {
                disconnect(reason: nil)
            } else if !wantsLink && session == nil && link != .idle {
                stopTrying()
            }
            retryRemoteForwards()
            pumpOnce()
        }
        shutDown()
        publish(force: true)
        closeInbox()
    }

    /// True while some forward is switched on.
    var wantsLink: Bool { forwards.contains { $0.forward.enabled } }

    private func takeCommands() {
        inboxLock.lock()
        let commands = inbox
        inbox.removeAll()
        inboxLock.unlock()
        for command in commands {
            switch command {
            case .setForwards(let wanted):
                apply(wanted)
                statusDirty = true
            case .retryNow:
                if session == nil {
                    link = .idle
                    nextAttempt = .now
                    backoff.reset()
                }
                statusDirty = true
            case .stop(let deadline):
                stopping = true
                // The caller's deadline is wall time; from here on it is
                // kept as a span, which a clock set meanwhile cannot move.
                stopDeadline = .now + .seconds(max(0, deadline?.timeIntervalSinceNow ?? 0))
                beginStopping()
                statusDirty = true
            case let .listConnections(forward, reply):
                reply(connectionStatuses(of: forward))
            case let .closeConnection(forward, id, reply):
                reply(closeConnection(id, of: forward))
            }
        }
    }

    /// The status of everything, for the board.
    func publish(force: Bool = false) {
        let now = ContinuousClock.now
        guard force || (statusDirty && lastPublished.map({ now - $0 >= Self.publishInterval }) ?? true) else { return }
        var status = ServerStatus(name: settings.serverName, link: stopping && session == nil ? .idle : link, since: linkSince)
        status.lastError = linkError
        status.route = route
        status.notices = notices
        status.forwards = forwards.map { runtime in
            var forwardStatus = runtime.status
            forwardStatus.listening = runtime.describeListening()
            return forwardStatus
        }
        publishing.withLock {
            if !retired { board.publish(status) }
        }
        lastPublished = now
        statusDirty = false
    }

    /// Status goes out at most this often: a busy transfer would otherwise
    /// wake the screen for every packet.
    static let publishInterval = Duration.milliseconds(100)

    /// How long poll() may sleep: until the next keepalive check, reconnect
    /// attempt, status publication, SOCKS handshake timeout, held client's
    /// timeout, port to try again or stop deadline that is due; forever
    /// (until woken) when none is.
    func pollTimeout() -> Int32 {
        var deadlines: [Instant] = []
        if let check = keepalive?.nextCheck { deadlines.append(check) }
        if let handshake = socksDeadlines.nextDeadline(waiting: \.isAwaitingSOCKSRequest) { deadlines.append(handshake) }
        if let held = heldClients.first { deadlines.append(held.deadline) }
        if session == nil && wantsLink && !stopping && link != .failed { deadlines.append(nextAttempt) }
        if statusDirty, let lastPublished { deadlines.append(lastPublished + Self.publishInterval) }
        if stopping, let stopDeadline { deadlines.append(stopDeadline) }
        // Only the forwards still waiting for their port: a bound one's
        // attempt time lies in the past and would make this loop spin.
        let waitingToBind = forwards.filter { $0.forward.enabled && $0.listener == nil && $0.spec.kind != .reverse }
        if let retry = waitingToBind.map(\.nextBindAttempt).min() { deadlines.append(retry) }
        if session != nil, let retry = forwards.compactMap(\.nextRemoteAttempt).min() { deadlines.append(retry) }
        guard let next = deadlines.min() else { return -1 }
        return (next - .now).pollMilliseconds
    }

    var wakeFD: Int32 { wake.fd }

    func drainWakes() {
        wake.drain()
    }
}
