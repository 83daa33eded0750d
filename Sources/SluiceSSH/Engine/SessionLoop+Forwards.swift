import Foundation
import SluiceCore

/// Forwards coming and going: listeners, remote ports, new connections.
extension SessionLoop {
    /// Makes the running forwards match `wanted`: new ones start, removed or
    /// changed ones stop, switched ones follow their switch. The others are
    /// not touched.
    func apply(_ wanted: [Forward]) {
        var kept: [ForwardRuntime] = []
        for runtime in forwards {
            if let match = wanted.first(where: { $0.name == runtime.name }), match.spec == runtime.spec {
                kept.append(runtime)
            } else {
                stop(runtime)
            }
        }
        forwards = wanted.map { forward in
            guard let runtime = kept.first(where: { $0.name == forward.name }) else {
                let runtime = ForwardRuntime(forward: forward, tuning: tuning)
                if forward.enabled && forward.spec.kind == .reverse && session != nil { requestReverse(runtime) }
                return runtime
            }
            if runtime.forward.enabled != forward.enabled {
                runtime.forward = forward
                if forward.enabled {
                    runtime.set(.starting)
                    runtime.nextBindAttempt = .now
                    if forward.spec.kind == .reverse && session != nil { requestReverse(runtime) }
                } else {
                    stop(runtime)
                }
            }
            return runtime
        }
        statusDirty = true
    }

    /// Switches a forward off: its listener or remote port closes and its
    /// connections end now.
    private func stop(_ runtime: ForwardRuntime) {
        closeListening(runtime)
        for connection in connections where connection.forward === runtime {
            connection.finish(because: nil)
        }
        removeFinishedConnections()
        runtime.set(.off)
    }

    /// Closes the listener or remote port, the clients it holds, and any
    /// plan to ask the server again.
    func closeListening(_ runtime: ForwardRuntime) {
        if runtime.listener != nil {
            runtime.listener = nil
            descriptors.released()
        }
        closeHeldClients(because: nil) { $0 === runtime }
        if let port = runtime.remotePort, let session {
            session.cancelForward(address: Self.remoteBindAddress(runtime.spec), port: runtime.spec.listen.port == 0 ? port : runtime.spec.listen.port)
        }
        runtime.remotePort = nil
        runtime.nextRemoteAttempt = nil
        runtime.remoteRetry.reset()
        runtime.wasListening = false
    }

    /// Binds local listeners that should exist; a port in use is tried again
    /// every few seconds, so the forward comes up once the port is free.
    func bindListeners() {
        guard !stopping, link != .failed else { return }
        let now = ContinuousClock.now
        for runtime in forwards where runtime.forward.enabled && runtime.spec.kind != .reverse && runtime.listener == nil && now >= runtime.nextBindAttempt {
            do {
                runtime.listener = try Socket.listen(host: runtime.spec.listen.bindAddress, port: runtime.spec.listen.port)
                runtime.set(session != nil ? .up : .starting)
                runtime.status.lastError = nil
            } catch {
                runtime.set(.failed, error: error.description)
                runtime.nextBindAttempt = now + .seconds(5)
            }
            statusDirty = true
        }
    }

    /// OpenSSH asks for "localhost" when no address was given, and for ""
    /// (every interface, if the server's GatewayPorts allows) for "*" or "".
    static func remoteBindAddress(_ spec: ForwardSpec) -> String {
        switch spec.listen.host {
        case nil: return "localhost"
        case "", "*": return ""
        case let host?: return host
        }
    }

    /// Asks the server to listen for a -R forward. A refusal is asked
    /// again with growing pauses, as the link is: the server says only
    /// "no", and the commonest cause, a lost session of ours still holding
    /// the port there, passes by itself once the server notices that
    /// session is gone (which may take it minutes).
    func requestReverse(_ runtime: ForwardRuntime) {
        guard let session else { return }
        runtime.nextRemoteAttempt = nil
        do {
            runtime.remotePort = try session.listenForward(address: Self.remoteBindAddress(runtime.spec), port: runtime.spec.listen.port)
            runtime.set(.up)
            runtime.status.lastError = nil
            runtime.remoteRetry.reset()
            runtime.wasListening = true
        } catch .linkLost(let reason) {
            linkLost(reason)
        } catch {
            let delay = runtime.remoteRetry.nextDelay()
            runtime.nextRemoteAttempt = .now + .seconds(delay)
            let again = "trying again in \(Int(delay.rounded(.up))) s"
            if runtime.wasListening {
                // Expected after a reconnect, and passing: still on its way.
                // Named as the request named it (see SSHSession.listenForward).
                let place = "\(Self.remoteBindAddress(runtime.spec)):\(runtime.spec.listen.port)"
                runtime.set(.starting, error: "the server would not listen on \(place) again: the port is taken there, "
                    + "most likely still by the session that was lost, until the server notices it is gone; \(again)")
            } else {
                runtime.set(.failed, error: "\(error.description); \(again)")
            }
        }
        statusDirty = true
    }

    /// Asks again for the remote ports the server refused, once their
    /// pause is over.
    func retryRemoteForwards() {
        guard session != nil, !stopping else { return }
        let now = ContinuousClock.now
        for runtime in forwards where runtime.forward.enabled && runtime.spec.kind == .reverse && runtime.remotePort == nil {
            // A request that finds the link lost ends the session.
            guard let due = runtime.nextRemoteAttempt, due <= now, session != nil else { continue }
            requestReverse(runtime)
        }
    }

    /// Takes the connections waiting on a -L or -D listener, as many as the
    /// limits allow (see SessionLoop+Limits.swift).
    /// While the link is down they are held (see HeldClient).
    func acceptConnections(on runtime: ForwardRuntime) {
        guard let listener = runtime.listener else { return }
        for index in 0..<64 {
            if let reason = acceptPause(for: runtime) {
                // Only a look that began with a client waiting (poll() said
                // so) pauses; a limit reached by this batch may have no one
                // behind it, and the listener stays polled to find out.
                if index == 0 { pauseAccepting(runtime, reason) }
                return
            }
            let socket: Socket
            switch listener.accept() {
            case .accepted(let accepted):
                socket = accepted
                descriptors.accepted(socket)
            case .noneWaiting:
                // Whatever held clients back is over.
                pauseAccepting(runtime, nil)
                return
            case .shortOfResources(let code):
                pauseAccepting(runtime, descriptors.ranShort(code))
                return
            }
            let id = numbers.next()
            if let session {
                start(socket, id: id, openedAt: Date(), on: runtime, session: session)
            } else {
                hold(socket, id: id, on: runtime)
            }
        }
    }

    /// A -L client gets its channel, a -D client starts its handshake.
    private func start(_ socket: Socket, id: UInt64, openedAt: Date, on runtime: ForwardRuntime, session: SSHSession) {
        let connection = Connection(forward: runtime, id: id, openedAt: openedAt, socket: socket, pool: queueStorage)
        add(connection)
        if runtime.spec.kind == .local, let target = runtime.spec.target {
            connection.startOpening(session: session, host: target.host ?? "127.0.0.1", port: target.port)
        } else if runtime.spec.kind == .dynamic {
            connection.socksTicket = socksDeadlines.append(connection, deadline: .now + .seconds(tuning.socksHandshakeTimeout))
        }
    }

    private func hold(_ socket: Socket, id: UInt64, on runtime: ForwardRuntime) {
        heldClients.append(HeldClient(forward: runtime, id: id, openedAt: Date(), socket: socket, deadline: .now + .seconds(tuning.connectTimeout)))
        runtime.heldClients += 1
    }

    /// The link is up: every held client is served, in the order it came.
    func releaseHeldClients() {
        guard let session, !heldClients.isEmpty else { return }
        let waiting = heldClients
        heldClients.removeAll()
        for held in waiting {
            held.forward.heldClients -= 1
            start(held.socket, id: held.id, openedAt: held.openedAt, on: held.forward, session: session)
        }
    }

    /// Closes the held clients of the forwards `matching` selects; with a
    /// `reason`, each counts as a failed connection of its forward.
    func closeHeldClients(because reason: String?, matching: (ForwardRuntime) -> Bool = { _ in true }) {
        guard heldClients.contains(where: { matching($0.forward) }) else { return }
        heldClients.removeAll { held in
            guard matching(held.forward) else { return false }
            held.forward.heldClients -= 1
            if let reason {
                held.forward.status.totalConnections += 1
                held.forward.status.lastError = reason
            }
            return true
        }
        descriptors.released()
        statusDirty = true
    }

    /// Closes the clients that waited the connect timeout for the link.
    func closeOverdueHeldClients() {
        let now = ContinuousClock.now
        guard let first = heldClients.first, first.deadline <= now else { return }
        let overdue = heldClients.prefix { $0.deadline <= now }.count
        let reason = "a client waited \(tuning.connectTimeout) s for the link to the server and was closed"
            + (linkError.map { " (\($0))" } ?? "")
        for held in heldClients.prefix(overdue) {
            held.forward.heldClients -= 1
            held.forward.status.totalConnections += 1
            held.forward.status.lastError = reason
        }
        heldClients.removeFirst(overdue)
        descriptors.released()
        statusDirty = true
    }

    /// Takes the connections the server opened for our -R forwards, and
    /// connects each to its local target.
    func acceptReverseConnections() {
        guard let session, forwards.contains(where: { $0.remotePort != nil }) else { return }
        while let (channel, port, origin) = session.acceptForwardedChannel() {
            guard let runtime = forwards.first(where: { $0.remotePort == port && $0.forward.enabled }),
                  let target = runtime.spec.target else {
                channel.close()
                continue
            }
            // The server queues nothing for us: at the limit, new
            // connections are turned away rather than left waiting.
            if runtime.status.openConnections >= tuning.maxConnections {
                channel.close()
                runtime.status.lastError = "a connection from the server was turned away: \(ForwardStatus.AcceptPause.connectionLimit(tuning.maxConnections).reason)"
                runtime.status.totalConnections += 1
                statusDirty = true
                continue
            }
            let host = target.host ?? "127.0.0.1"
            let targetText = runtime.spec.targetAddress
            do throws(SocketError) {
                var addresses = try SocketAddress.resolve(host: host, port: target.port, passive: false)
                var socket: Socket?
                var lastError: SocketError?
                while socket == nil && !addresses.isEmpty {
                    do { socket = try Socket.connect(to: addresses.removeFirst()) } catch { lastError = error }
                }
                guard let socket else { throw lastError ?? SocketError(code: EINVAL, description: "no address for \(host)") }
                add(Connection(forward: runtime, id: numbers.next(), origin: origin, socket: socket, fallbacks: addresses,
                               acceptedChannel: channel, target: targetText, pool: queueStorage))
            } catch {
                channel.close()
                // -R may use the descriptors listeners leave free; when even
                // those are gone, the reason is the shortage, not the target.
                let shortage = descriptors.ranShort(error.code)
                runtime.status.lastError = "cannot reach \(targetText) on this machine: \(shortage?.reason ?? error.description)"
                runtime.status.totalConnections += 1
                statusDirty = true
            }
        }
    }

    private func add(_ connection: Connection) {
        connections.append(connection)
        connection.forward.status.openConnections += 1
        connection.forward.status.totalConnections += 1
        statusDirty = true
    }

    /// Closes and forgets connections that are done, noting why any failed.
    func removeFinishedConnections() {
        guard connections.contains(where: \.isFinished) else { return }
        connections.removeAll { connection in
            guard connection.isFinished else { return false }
            if let failure = connection.failure { connection.forward.status.lastError = failure }
            if let unanswered = connection.close() { unansweredChannels.append(unanswered) }
            if let ticket = connection.socksTicket { socksDeadlines.remove(ticket) }
            connection.forward.status.openConnections -= 1
            return true
        }
        descriptors.released()
        statusDirty = true
    }
}
