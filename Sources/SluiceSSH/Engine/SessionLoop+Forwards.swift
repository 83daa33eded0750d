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
                let runtime = ForwardRuntime(forward: forward)
                if forward.enabled && forward.spec.kind == .reverse && session != nil { requestReverse(runtime) }
                return runtime
            }
            if runtime.forward.enabled != forward.enabled {
                runtime.forward = forward
                if forward.enabled {
                    runtime.set(.starting)
                    runtime.nextBindAttempt = .distantPast
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

    func closeListening(_ runtime: ForwardRuntime) {
        if runtime.listener != nil {
            runtime.listener = nil
            descriptors.released()
        }
        if let port = runtime.remotePort, let session {
            session.cancelForward(address: Self.remoteBindAddress(runtime.spec), port: runtime.spec.listen.port == 0 ? port : runtime.spec.listen.port)
        }
        runtime.remotePort = nil
    }

    /// Binds local listeners that should exist; a port in use is tried again
    /// every few seconds, so the forward comes up once the port is free.
    func bindListeners() {
        guard !stopping, link != .failed else { return }
        let now = Date()
        for runtime in forwards where runtime.forward.enabled && runtime.spec.kind != .reverse && runtime.listener == nil && now >= runtime.nextBindAttempt {
            do {
                runtime.listener = try Socket.listen(host: runtime.spec.listen.bindAddress, port: runtime.spec.listen.port)
                runtime.set(session != nil ? .up : .starting)
                runtime.status.lastError = nil
            } catch {
                runtime.set(.failed, error: error.description)
                runtime.nextBindAttempt = now.addingTimeInterval(5)
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

    func requestReverse(_ runtime: ForwardRuntime) {
        guard let session else { return }
        do {
            runtime.remotePort = try session.listenForward(address: Self.remoteBindAddress(runtime.spec), port: runtime.spec.listen.port)
            runtime.set(.up)
            runtime.status.lastError = nil
        } catch .linkLost(let reason) {
            linkLost(reason)
        } catch {
            runtime.set(.failed, error: error.description)
        }
        statusDirty = true
    }

    /// Takes the connections waiting on a -L or -D listener, as many as the
    /// limits allow (see SessionLoop+Limits.swift).
    func acceptConnections(on runtime: ForwardRuntime) {
        guard let listener = runtime.listener, let session else { return }
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
            let connection = Connection(forward: runtime, socket: socket)
            add(connection)
            if runtime.spec.kind == .local, let target = runtime.spec.target {
                connection.startOpening(session: session, host: target.host ?? "127.0.0.1", port: target.port)
            } else if runtime.spec.kind == .dynamic {
                connection.socksTicket = socksDeadlines.append(connection, deadline: Date().addingTimeInterval(tuning.socksHandshakeTimeout))
            }
        }
    }

    /// Takes the connections the server opened for our -R forwards, and
    /// connects each to its local target.
    func acceptReverseConnections() {
        guard let session, forwards.contains(where: { $0.remotePort != nil }) else { return }
        while let (channel, port) = session.acceptForwardedChannel() {
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
                add(Connection(forward: runtime, socket: socket, fallbacks: addresses, acceptedChannel: channel, target: targetText))
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
