import Foundation
import NIOConcurrencyHelpers
import NIOCore
import SluiceCore

/// An agent server's forwards inside the engine, beside SSH sessions: one
/// `AgentForward` per forward that is on, all dialling the server's agent.
///
/// There is no session to keep: every connection is its own WebSocket.
/// The link's state is what the last dial said. A stream opened (or an
/// HTTP answer from the agent itself, such as 404) means connected; a
/// dial that could not reach an agent means reconnecting: the pools are
/// refilled after a backoff, and for a project the control plane is asked
/// again first, so a project moved to another node is followed. A problem
/// that retrying cannot fix (a token refused, a file that cannot be read)
/// fails the link until the user retries or edits the server. A forward
/// counts as up only while the link is connected; its listener stays
/// bound meanwhile.
///
/// Everything mutable is touched only on `queue` (here and in
/// AgentServerLink+Status, which renders it); dial outcomes, report
/// lines and the control plane's answer (asked on a thread of its own, as
/// it may take seconds) are queued there. `stop` also reaches the
/// forwards directly, so a stop now is not held behind a drain.
final class AgentServerLink: ServerLink, @unchecked Sendable {
    let server: Server
    let board: StatusBoard
    let numbers: ConnectionNumbers
    let group: any EventLoopGroup
    let bindProblem: @Sendable (Int32, String, Int) -> String
    let queue: DispatchQueue
    var timer: DispatchSourceTimer?

    struct Running {
        var forward: Forward
        var carrier: AgentForward
        var port: Int
    }

    var forwards: [Forward] = []
    var running: [String: Running] = [:] {
        didSet { carriers.withLockedValue { $0 = running.values.map(\.carrier) } }
    }
    /// The running forwards, for `stop` from any thread.
    let carriers = NIOLockedValueBox<[AgentForward]>([])
    /// Why a forward could not listen, by name; tried again every few seconds.
    var bindFailures: [String: String] = [:]
    var nextBindRetry = Date.distantFuture
    /// The last problem a forward's connections met, by name.
    var forwardErrors: [String: String] = [:]
    /// Since when each forward has been in its state, so a status that did
    /// not change compares equal and wakes no one.
    var forwardSince: [String: (state: ForwardStatus.State, since: Date)] = [:]
    var agent: AgentAddress?
    /// The agent the running forwards dial, while a project's is asked again.
    var previousAgent: AgentAddress?
    /// Set while the control plane is being asked.
    var resolving = false
    var token: BearerToken?
    var notices: [String] = []
    var link = ServerStatus.Link.idle {
        didSet { if !Self.sameState(link, oldValue) { linkSince = Date() } }
    }
    var linkError: String?
    var linkSince = Date()
    var backoff: Backoff
    var nextAttempt: Date?
    var stopped = false

    let retired = NIOLockedValueBox(false)
    let ended = EndSignal()

    /// How often the status is published and timers are looked at.
    static let tick = DispatchTimeInterval.milliseconds(500)
    static let bindRetryInterval: TimeInterval = 5

    init(server: Server, board: StatusBoard, numbers: ConnectionNumbers, backoff: Backoff, group: any EventLoopGroup,
         bindProblem: @escaping @Sendable (Int32, String, Int) -> String) {
        self.server = server
        self.board = board
        self.numbers = numbers
        self.backoff = backoff
        self.group = group
        self.bindProblem = bindProblem
        queue = DispatchQueue(label: "sluice-agent-\(server.name)")
    }

    // MARK: ServerLink

    func serves(_ server: Server) -> Bool {
        server.address == self.server.address && server.tokenFile == self.server.tokenFile && server.caFile == self.server.caFile
    }

    func start() {
        queue.async { [self] in
            let timer = DispatchSource.makeTimerSource(queue: queue)
            timer.schedule(deadline: .now() + Self.tick, repeating: Self.tick)
            timer.setEventHandler { [weak self] in self?.onTick() }
            timer.resume()
            self.timer = timer
            publish()
        }
    }

    func setForwards(_ forwards: [Forward]) {
        queue.async { [self] in
            self.forwards = forwards
            reconcile()
        }
    }

    func retryNow() {
        queue.async { [self] in
            guard !stopped else { return }
            backoff.reset()
            nextBindRetry = Date()
            if link == .failed {
                // What failed it (a token, a CA file) is read again, and
                // every forward dials with what is read now.
                stopAll(drainUntil: Date())
                agent = nil
                previousAgent = nil
                link = .idle
            } else if link != .connected {
                forgetAgentIfResolved()
            }
            attempt()
        }
    }

    func checkSoon() {
        queue.async { [self] in
            guard !stopped else { return }
            // A dial is the only probe there is: the pools' refills, and
            // for a link that was being retried, the next attempt now.
            if case .reconnecting = link { nextAttempt = Date() }
            for entry in running.values { entry.carrier.refill() }
        }
    }

    func stop(drainUntil: Date?) {
        // Now, from here: a stop without a drain must not wait behind one
        // already in progress on the queue.
        if drainUntil == nil {
            for carrier in carriers.withLockedValue({ $0 }) { carrier.stopNow() }
        }
        queue.async { [self] in
            guard !stopped else { return }
            stopped = true
            timer?.cancel()
            timer = nil
            stopAll(drainUntil: drainUntil ?? Date())
            link = .idle
            publish()
            ended.signal()
        }
    }

    func retire() {
        retired.withLockedValue { $0 = true }
    }

    func waitUntilStopped(timeout: TimeInterval) -> Bool {
        ended.wait(timeout: timeout)
    }

    // MARK: On the queue

    var wanted: [Forward] { forwards.filter(\.enabled) }

    /// Forwards switched off or changed come down; if any is on, the link
    /// is made (or its new forwards start on the agent it has).
    private func reconcile() {
        guard !stopped else { return }
        for (name, entry) in running where wanted.first(where: { $0.name == name }) != entry.forward {
            entry.carrier.stop(drainDeadline: Date())
            running[name] = nil
            forwardErrors[name] = nil
        }
        bindFailures = bindFailures.filter { name, _ in wanted.contains { $0.name == name } }
        if wanted.isEmpty {
            link = .idle
            linkError = nil
            nextAttempt = nil
            backoff.reset()
            forgetAgentIfResolved()
        } else if agent == nil || link == .idle {
            // Not while a retry is already set for later, nor after a
            // failure only the user can clear.
            if link != .failed, nextAttempt == nil { attempt() }
        } else {
            startWanted()
        }
        publish()
    }

    /// Finds the agent (asking the control plane for a project, on a
    /// thread of its own), then starts the forwards that are on; their
    /// pools dial at once, and the first outcome says whether the link is up.
    private func attempt() {
        guard !stopped, !wanted.isEmpty, !resolving else { return }
        nextAttempt = nil
        guard agent == nil else { return carryOn() }
        link = .connecting
        do {
            token = try server.tokenFile.map { path throws(AgentError) in
                try BearerToken(contentsOfFile: HomeDirectory.expandingTilde(path))
            }
        } catch {
            return fail(error.description)
        }
        publish()
        switch server.address {
        case .ssh:
            fail("\(server.name) is an SSH server")
        case .agent(let url):
            resolved(.success((AgentAddress(url, provenance: .saved(server: server.name)), [])))
        case let .project(project, controlPlane):
            resolving = true
            let (token, caFile, asked) = (self.token, self.caFile, ControlPlane(controlPlane, terms: .savedServer(server.name)))
            Thread { [self] in
                let result = Result { () throws(AgentError) in
                    let found = try asked.resolve(project: project, token: token, caFile: caFile)
                    return (found.agent, found.warnings)
                }
                queue.async { [self] in
                    resolving = false
                    resolved(result)
                }
            }.start()
        }
    }

    private func resolved(_ result: Result<(AgentAddress, [String]), AgentError>) {
        guard !stopped else { return }
        switch result {
        case let .success((found, warnings)):
            agent = found
            notices = warnings
            if let token, found.scheme == .ws, !Endpoint(host: found.host, port: found.port).isLoopback {
                notices.append("the token from \(token.source) goes to \(found) unencrypted (ws://); an agent that serves wss:// keeps it private")
            }
            carryOn()
        case .failure(.controlPlaneRefusedToken(let text)), .failure(.invalid(let text)):
            fail(text)
        case .failure(let error):
            lost(error.description)
        }
    }

    /// With the agent known: forwards still dialling a project's old agent
    /// start over on the new one, the others that are on start, and every
    /// pool dials.
    private func carryOn() {
        if let previous = previousAgent, let agent,
           previous.host != agent.host || previous.port != agent.port || previous.scheme != agent.scheme {
            stopAll(drainUntil: Date())
        }
        previousAgent = nil
        if link != .connected { link = .connecting }
        startWanted()
        for entry in running.values { entry.carrier.refill() }
        if running.isEmpty, !bindFailures.isEmpty, link == .connecting {
            // Nothing dials, so nothing would ever say how the agent is;
            // the forwards say why they are not up.
            link = .idle
        }
        publish()
    }

    var caFile: String? { server.caFile.map { HomeDirectory.expandingTilde($0) } }

    private func startWanted() {
        guard let agent else { return }
        for forward in wanted where running[forward.name] == nil {
            do {
                let carrier = try makeCarrier(for: forward, agent: agent)
                let port = try carrier.start()
                running[forward.name] = Running(forward: forward, carrier: carrier, port: port)
                forwardSince[forward.name] = nil
                bindFailures[forward.name] = nil
            } catch {
                if case let .cannotListen(host, port, code) = error {
                    bindFailures[forward.name] = bindProblem(code, host, port)
                    nextBindRetry = Date().addingTimeInterval(Self.bindRetryInterval)
                } else {
                    // A CA file that cannot be used: retrying cannot help.
                    return fail(error.description)
                }
            }
        }
    }

    private func makeCarrier(for forward: Forward, agent: AgentAddress) throws(AgentError) -> AgentForward {
        guard let target = forward.spec.target, let (project, service) = forward.spec.service(defaultProject: server.address.project) else {
            throw .invalid("\(forward.name) names no service")
        }
        let route = try ServiceRoute(project: project, service: service, port: target.port)
        let name = forward.name
        let configuration = AgentForward.Configuration(
            listenHost: forward.spec.listen.bindAddress, listenPort: forward.spec.listen.port, route: route, agent: agent,
            token: token, caFile: caFile,
            dialWatch: { [weak self] result in
                guard let self else { return }
                queue.async { self.dialed(result, forward: name, to: agent) }
            })
        return try AgentForward(configuration, group: group, numbers: numbers) { [weak self] line in
            guard let self else { return }
            queue.async {
                self.forwardErrors[name] = line
                self.publish()
            }
        }
    }

    /// Closes every listener first, then lets the connections drain until
    /// `drainUntil` (one deadline for all).
    private func stopAll(drainUntil: Date) {
        let entries = Array(running.values)
        running = [:]
        forwardSince = [:]
        for entry in entries { entry.carrier.closeListener() }
        for entry in entries { entry.carrier.stop(drainDeadline: drainUntil) }
    }

    /// What one dial said about the agent. A dial to an agent the link has
    /// let go of (a project's old node, while the control plane is asked
    /// again) says nothing about the link now.
    private func dialed(_ result: Result<Void, AgentError>, forward: String, to dialled: AgentAddress) {
        guard !stopped, dialled == agent else { return }
        switch result {
        case .success:
            forwardErrors[forward] = nil
            connected()
        case .failure(.refused(let refusal)) where refusal.status == 401:
            fail(AgentError.refused(refusal).description)
        case .failure(.refused):
            // The agent answered: it is there; the problem is the forward's
            // and its report line says it.
            connected()
        case .failure(.invalid(let text)):
            fail(text)
        case .failure(let error):
            // A certificate this machine does not trust stays untrusted.
            if case let .notAnAgent(_, detail) = error, detail.contains("TLS certificate") { return fail(error.description) }
            lost(error.description)
        }
        publish()
    }

    private func connected() {
        guard link != .connected, link != .failed else { return }
        link = .connected
        linkError = nil
        nextAttempt = nil
        backoff.reset()
    }

    /// The agent could not be reached: try again after the backoff.
    private func lost(_ message: String) {
        guard link != .failed else { return }
        linkError = message
        guard nextAttempt == nil else { return }
        let delay = backoff.nextDelay()
        let next = Date().addingTimeInterval(delay)
        link = .reconnecting(attempt: backoff.attempt, next: next)
        nextAttempt = next
        forgetAgentIfResolved()
        publish()
    }

    /// A problem only the user can fix: no more attempts until a retry.
    private func fail(_ message: String) {
        link = .failed
        linkError = message
        nextAttempt = nil
        publish()
    }

    /// A project's agent is asked for again at the next attempt; the
    /// forwards running now are moved only if the answer differs.
    private func forgetAgentIfResolved() {
        guard case .project = server.address, let agent else { return }
        if !running.isEmpty { previousAgent = agent }
        self.agent = nil
    }

    private func onTick() {
        guard !stopped else { return }
        if let nextAttempt, nextAttempt <= Date() { attempt() }
        if !bindFailures.isEmpty, nextBindRetry <= Date(), agent != nil, link != .failed {
            nextBindRetry = Date().addingTimeInterval(Self.bindRetryInterval)
            startWanted()
            // A forward that listens now dials, and its outcome will say
            // how the agent is.
            if link == .idle, !running.isEmpty { link = .connecting }
        }
        publish()
    }
}
