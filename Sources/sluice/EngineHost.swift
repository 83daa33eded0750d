import Foundation
import SluiceControl
import SluiceCore
import SluiceService
import SluiceSSH
import SluiceTUI

/// The long-lived engine of one store, as `sluice up` runs it in the
/// foreground and `sluice start` (or the screen) in the background.
///
/// It follows the store (inotify on its folder: every `sluice enable`,
/// `add` or edit on the screen takes effect within moments), serves the
/// control socket that the screen, `sluice status` and scripts attach to,
/// and prints a line per change. It never gives up on its own: servers
/// that cannot be reached are retried, questions wait for a person; it
/// ends on SIGINT/SIGTERM or `sluice stop`, draining open connections
/// first. `exitOnFailure` gives scripts the old verdict: exit 1 when
/// nothing could come up.
final class EngineHost {
    struct Options {
        /// Only these servers (empty: all of the store's).
        var servers: [String] = []
        var tuning = LinkTuning()
        var drainSeconds = 10.0
        var exitOnFailure = false
        /// Started in the background: no terminal to ask on.
        var detached = false
    }

    /// The shortest pause between two snapshots sent to watchers: the
    /// engine publishes each server at most every 100 ms, and a screen
    /// needs no more than that.
    static let broadcastInterval: Duration = .milliseconds(50)

    private let store: Store
    private let paths: ControlPaths
    private let options: Options
    private let lock: EngineLock
    private let listener: ControlListener
    private let follower: StoreFollower
    private let wake: WakePipe
    private let stopped: WakePipe
    private let router: PromptRouter
    private let engine: Engine
    private let driver: EngineDriver
    private let info: EngineInfo
    private var narrator: StatusNarrator
    private var peers: [Int32: ControlPeer] = [:]
    /// Questions about connections, asked of the session threads and not
    /// yet answered: by ticket, who asked and the id their reply carries.
    private let answers: AnswerMailbox
    private var unanswered: [Int: (peer: ControlPeer, requestID: Int?)] = [:]
    private var lastTicket = 0
    private var screens: Set<Int32> = []
    private var storeProblem: String?
    private var lastSent: EngineSnapshot?
    /// The last snapshot as sent, for watchers that were behind.
    private var lastEncoded: Data?
    private var lastBroadcast = ContinuousClock.now - .seconds(1)
    private var broadcastDue = false
    /// The store was missing at the last look: looked at again then, as an
    /// editor may be between moving the old file away and writing the new.
    private var storeRecheck: ContinuousClock.Instant?
    private var toldWaiting: Set<Int> = []
    private var stopping = false
    private var everUp = false
    private var running: [Server] = []

    init(store: Store, options: Options) throws {
        // The pipes first: a process out of descriptors stops here, before
        // it holds the lock or has made the control socket. SIGCONT: the
        // process was stopped (a laptop's sleep can look the same); the
        // links are checked at once rather than at the next keepalive.
        try SignalPipe.install([SIGINT, SIGTERM, SIGCONT])
        let wake = try WakePipe()
        self.wake = wake
        stopped = try WakePipe()
        answers = try AnswerMailbox()
        self.store = store
        self.options = options
        paths = ControlPaths(store: store.path)
        let document = try store.load()
        for name in options.servers { _ = try document.server(named: name) }
        try paths.prepareFolder()
        lock = try EngineLock(path: paths.lock, store: paths.store)
        listener = try ControlListener(path: paths.socket)
        follower = try StoreFollower(storePath: paths.store)
        let terminal: (any Prompter)? = options.detached || !TerminalPrompter.isAvailable ? nil : TerminalPrompter()
        router = PromptRouter(terminal: terminal, waitForPerson: !options.exitOnFailure) { wake.wake() }
        engine = Engine.withAllTransports(prompter: router, tuning: options.tuning)
        engine.board.observe { wake.wake() }
        driver = EngineDriver(engine: engine)
        info = EngineInfo(pid: getpid(), version: SluiceVersion.number, store: paths.store, started: Date())
        running = Self.chosen(document.servers, names: options.servers)
        narrator = StatusNarrator(servers: running)
    }

    /// Serves until stopped; the exit status.
    func run() -> Int32 {
        defer { listener.close() }
        Console.warnAboutExposure(running)
        if !running.contains(where: { $0.forwards.contains(where: \.enabled) }) {
            if options.exitOnFailure {
                Console.error("nothing to bring up: no saved forward is switched on (switch one on with: sluice enable SERVER/FORWARD)")
                return ExitStatus.failure
            }
            Console.say("Nothing is switched on yet; waiting for the store to change (sluice enable SERVER/FORWARD, or the screen).")
        }
        driver.apply(running)

        while true {
            var fds = [pollfd(fd: SignalPipe.readFD, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: wake.fd, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: stopped.fd, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: follower.fd, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: listener.fd, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: answers.wake.fd, events: Int16(POLLIN), revents: 0)]
            let clients = Array(peers.values)
            let firstClient = fds.count
            for peer in clients {
                fds.append(pollfd(fd: peer.fd, events: (peer.wantsToRead ? Int16(POLLIN) : 0) | (peer.wantsToWrite ? Int16(POLLOUT) : 0), revents: 0))
            }
            _ = poll(&fds, nfds_t(fds.count), broadcastDue || storeRecheck != nil ? 20 : -1)

            if stopped.drain() {
                Console.say("Stopped.")
                for peer in peers.values { peer.flush() }
                return 0
            }
            for received in SignalPipe.take() {
                if received == SIGCONT {
                    engine.linksMayHaveSlept()
                } else {
                    beginStop(drainSeconds: options.drainSeconds, now: stopping)
                }
            }
            if follower.changed() { followStore(missingIsFinal: false) }
            if let due = storeRecheck, ContinuousClock.now >= due {
                storeRecheck = nil
                followStore(missingIsFinal: true)
            }
            if fds[4].revents != 0 { acceptClients() }
            if answers.wake.drain() { deliverAnswers() }
            for (index, peer) in clients.enumerated() where fds[firstClient + index].revents != 0 {
                if fds[firstClient + index].revents & Int16(POLLOUT | POLLHUP | POLLERR) != 0 { peer.flush() }
                if peer.wantsToRead {
                    for request in peer.readRequests() { handle(request, from: peer) }
                    // Also closes a client that hung up once its replies are out.
                    peer.flush()
                }
                noteScreen(peer)
                if peer.snapshotPending && !peer.wantsToWrite, let lastEncoded {
                    peer.snapshotPending = false
                    peer.send(encoded: lastEncoded)
                }
            }
            if wake.drain() { broadcastDue = true }
            if broadcastDue && ContinuousClock.now - lastBroadcast >= Self.broadcastInterval {
                broadcastDue = false
                if let verdict = publish() { return verdict }
            }
            reapClosedPeers()
        }
    }

    // MARK: - The store

    private func followStore(missingIsFinal: Bool) {
        if !missingIsFinal && !FileManager.default.fileExists(atPath: store.path) {
            storeRecheck = .now + .milliseconds(200)
            return
        }
        let document: StoreDocument
        do {
            document = try store.load()
        } catch {
            let message = error.description
            if storeProblem != message {
                storeProblem = message
                Console.error("the store changed but cannot be read, so what runs stays as it was: \(message)")
                broadcastDue = true
            }
            return
        }
        if storeProblem != nil {
            storeProblem = nil
            Console.say("The store reads again; following it.")
            broadcastDue = true
        }
        let next = Self.chosen(document.servers, names: options.servers)
        guard next != running else { return }
        let gone = Set(running.map(\.name)).subtracting(next.map(\.name))
        for name in gone { router.cancel(server: name) }
        Console.warnAboutExposure(next.filter { server in !running.contains(server) })
        running = next
        narrator.update(servers: next)
        driver.apply(next)
    }

    private static func chosen(_ servers: [Server], names: [String]) -> [Server] {
        names.isEmpty ? servers : servers.filter { names.contains($0.name) }
    }

    // MARK: - Clients

    private func acceptClients() {
        while let fd = listener.accept() {
            let peer = ControlPeer(fd: fd)
            peers[fd] = peer
            if peer.isForeign {
                peer.refuse("this engine belongs to another user")
                continue
            }
            peer.send(.hello(protocol: ControlProtocol.version, engine: info))
        }
    }

    /// Answers `tagged`; a reply carries its id, if it had one. A watch's
    /// snapshots never do: they are the stream, not a reply.
    private func handle(_ tagged: TaggedRequest, from peer: ControlPeer) {
        let requestID = tagged.id
        switch tagged.request {
        case .hello:
            break
        case .status:
            peer.send(.snapshot(snapshot()), replyTo: requestID)
        case .watch:
            peer.watching = true
            peer.send(.snapshot(snapshot()))
        case .retry(let server):
            guard running.contains(where: { $0.name == server }) else {
                peer.send(.error("no server named \(server) runs in this engine"), replyTo: requestID)
                return
            }
            driver.retry(server)
            peer.send(.ok, replyTo: requestID)
        case let .answer(id, answer):
            do {
                try router.reply(id, answer)
                peer.send(.ok, replyTo: requestID)
            } catch .notOpen {
                peer.send(.error("question \(id) is no longer open: it was answered elsewhere, or its server stopped"), replyTo: requestID)
            } catch {
                peer.send(.error("that is not an answer to question \(id) (see docs/protocol.md for what each question takes)"), replyTo: requestID)
            }
        case .stop(let drain):
            let seconds = drain ?? options.drainSeconds
            // A watcher is told with every other watcher (beginStop); one
            // that gave an id also gets its reply.
            if !peer.watching || requestID != nil { peer.send(.stopping(drainSeconds: seconds), replyTo: requestID) }
            beginStop(drainSeconds: seconds, now: false)
        case let .connections(server, forward):
            guard running.contains(where: { $0.name == server }) else {
                peer.send(.error(ConnectionRequestError.unknownServer(server).description), replyTo: requestID)
                return
            }
            let ticket = awaitAnswer(for: peer, requestID: requestID)
            let answers = self.answers
            driver.connections(server: server, forward: forward) { result in
                switch result {
                case .success(let list):
                    answers.post(ticket, .connections(ConnectionList(server: server, forward: forward, connections: list)))
                case .failure(let error):
                    answers.post(ticket, .message(.error(error.description)))
                }
            }
        case let .close(server, forward, id):
            guard running.contains(where: { $0.name == server }) else {
                peer.send(.error(ConnectionRequestError.unknownServer(server).description), replyTo: requestID)
                return
            }
            let ticket = awaitAnswer(for: peer, requestID: requestID)
            let answers = self.answers
            driver.closeConnection(id, server: server, forward: forward) { result in
                switch result {
                case .success: answers.post(ticket, .message(.ok))
                case .failure(let error): answers.post(ticket, .message(.error(error.description)))
                }
            }
        }
    }

    /// Notes who waits for a session thread's answer; the ticket names it.
    private func awaitAnswer(for peer: ControlPeer, requestID: Int?) -> Int {
        lastTicket += 1
        unanswered[lastTicket] = (peer, requestID)
        peer.repliesOwed += 1
        return lastTicket
    }

    /// Sends the session threads' answers to those who asked; one who left
    /// meanwhile is sent nothing (a closed peer takes no more).
    private func deliverAnswers() {
        for (ticket, body) in answers.take() {
            guard let asker = unanswered.removeValue(forKey: ticket) else { continue }
            asker.peer.repliesOwed -= 1
            // A client that has said all it will is closed once this is out.
            asker.peer.send(EngineReply(to: asker.requestID, body))
        }
    }

    /// Counts screens, which decide where questions go.
    private func noteScreen(_ peer: ControlPeer) {
        if peer.phase == .ready && peer.answersPrompts && !screens.contains(peer.fd) {
            screens.insert(peer.fd)
            router.screenAttached()
            broadcastDue = true
        }
    }

    private func reapClosedPeers() {
        for (fd, peer) in peers where peer.phase == .closed {
            if screens.remove(fd) != nil {
                router.screenDetached()
                broadcastDue = true
            }
            peer.close()
            peers[fd] = nil
        }
    }

    // MARK: - Status

    /// Servers in the store's order, as the screen and `sluice list` show them.
    private func snapshot() -> EngineSnapshot {
        let order = Dictionary(running.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        let servers = engine.board.snapshot.sorted { (order[$0.name] ?? .max) < (order[$1.name] ?? .max) }
        return EngineSnapshot(servers: servers, prompts: router.open, storeProblem: storeProblem)
    }

    /// Prints what changed, sends it to watchers; the exit status when
    /// `exitOnFailure` finds nothing can come up.
    private func publish() -> Int32? {
        lastBroadcast = .now
        let current = snapshot()
        guard current != lastSent else { return nil }
        lastSent = current
        var lines = narrator.events(for: current.servers).map(\.text)
        for prompt in current.prompts where !toldWaiting.contains(prompt.id) && screens.isEmpty {
            toldWaiting.insert(prompt.id)
            lines.append("\(prompt.server): \(current.waiting(server: prompt.server) ?? "waiting for you")")
        }
        let watchers = peers.values.filter { $0.watching }
        for line in lines {
            Console.say(line)
            for peer in watchers { peer.send(.event(line)) }
        }
        lastEncoded = nil
        if !watchers.isEmpty, let encoded = try? ControlProtocol.encode(EngineMessage.snapshot(current)) {
            lastEncoded = encoded
            // A watcher still reading an older one gets this when done.
            for peer in watchers {
                if peer.wantsToWrite {
                    peer.snapshotPending = true
                } else {
                    peer.send(encoded: encoded)
                }
            }
        }
        everUp = everUp || current.servers.contains { $0.forwards.contains { $0.state == .up } }
        let wanted = running.filter { $0.forwards.contains(where: \.enabled) }
        let wantedStatus = current.servers.filter { status in wanted.contains { $0.name == status.name } }
        if options.exitOnFailure && !everUp && !stopping && HeadlessSession.nothingCanComeUp(wantedStatus, servers: wanted) {
            Console.error("nothing could come up; see the reasons above")
            router.close()
            engine.stopNow()
            return ExitStatus.failure
        }
        return nil
    }

    // MARK: - Stopping

    /// The first stop closes listeners and lets connections drain; a
    /// second (`now`) closes them at once.
    private func beginStop(drainSeconds: Double, now: Bool) {
        router.close()
        let engine = self.engine
        if now {
            Console.say("Closing open connections now.")
            Thread { engine.stopNow() }.start()
            return
        }
        guard !stopping else { return }
        stopping = true
        // Watchers (the screen, status --watch) learn it is a stop, not a crash.
        for peer in peers.values where peer.watching { peer.send(.stopping(drainSeconds: drainSeconds)) }
        Console.say("Closing listeners; letting open connections finish (up to \(DrainOptions.shown(drainSeconds)) s; Ctrl+C again to close them now).")
        let deadline = Date().addingTimeInterval(drainSeconds)
        let stopped = self.stopped
        Thread { engine.stop(drainDeadline: deadline); stopped.wake() }.start()
    }
}
