import Foundation
import SluiceCore

/// Bringing the link up, noticing when it dies, and taking it down.
extension SessionLoop {
    func connect() {
        link = .connecting
        linkSince = Date()
        statusDirty = true
        publish(force: true)
        do throws(SessionError) {
            let opened = try SessionOpener(settings: settings, prompter: prompter, tuning: tuning).open()
            let newSession = opened.session
            route = opened.plan.route
            notices = opened.notices
            session = newSession
            openCheckForced = true
            // Still in blocking mode: remote ports are asked for before any
            // channel carries traffic, so the bound port is read reliably.
            for runtime in forwards where runtime.forward.enabled && runtime.spec.kind == .reverse {
                requestReverse(runtime)
            }
            guard session != nil else { return }
            newSession.startPumping()
            keepalive = KeepaliveMonitor(interval: tuning.keepaliveInterval, countMax: tuning.keepaliveCountMax,
                                         packets: newSession.packetsReceived, now: Date())
            link = .connected
            linkError = nil
            linkSince = Date()
            backoff.reset()
            for runtime in forwards where runtime.forward.enabled && runtime.listener != nil {
                runtime.set(.up)
            }
        } catch {
            session = nil
            scheduleRetry(error.description, needsUser: error.needsUser)
        }
        statusDirty = true
        publish(force: true)
    }

    private func scheduleRetry(_ reason: String, needsUser: Bool) {
        linkError = reason
        linkSince = Date()
        if needsUser {
            // Retrying will not help, so do not hold ports: clients get a
            // prompt refusal instead of waiting in a listener's backlog.
            link = .failed
            for runtime in forwards where runtime.forward.enabled {
                runtime.listener = nil
                runtime.set(.failed, error: "\(settings.serverName): \(reason)")
            }
            return
        }
        nextAttempt = Date().addingTimeInterval(backoff.nextDelay())
        link = .reconnecting(attempt: backoff.attempt, next: nextAttempt)
    }

    /// The link died under us: drop its connections, keep local listeners
    /// bound (so no other program takes the ports), and try again soon.
    func linkLost(_ reason: String) {
        dropSession()
        for runtime in forwards where runtime.forward.enabled {
            runtime.set(runtime.status.state == .failed && runtime.spec.kind != .reverse ? .failed : .starting)
        }
        scheduleRetry("the link was lost: \(reason)", needsUser: false)
        statusDirty = true
        publish(force: true)
    }

    /// No forward wants the link any more.
    func disconnect(reason: String?) {
        dropSession()
        link = .idle
        linkError = reason
        linkSince = Date()
        statusDirty = true
    }

    /// Closes every connection and then the session: channels must go
    /// before the session they belong to.
    private func dropSession() {
        for connection in connections {
            connection.finish(because: nil)
        }
        removeFinishedConnections()
        unansweredChannels.removeAll()
        for runtime in forwards {
            runtime.remotePort = nil
        }
        keepalive = nil
        session = nil
    }

    /// Probes a quiet link and declares it dead when probes go unanswered.
    func checkLiveness() {
        guard let session, var monitor = keepalive else { return }
        let action = monitor.tick(packets: session.packetsReceived, now: Date())
        keepalive = monitor
        switch action {
        case .none:
            return
        case .probe:
            // Twice: libssh sends a keepalive only every other call while it
            // still holds the previous reply (see SSHSession.sendKeepalive).
            session.sendKeepalive()
            session.sendKeepalive()
        case .dead:
            linkLost(session.carriers.lazy.compactMap(\.failure).first ?? "no answer from the server for \(Int(tuning.deadLinkBound)) s")
        }
    }

    /// First step of stopping: no new connections from now on.
    func beginStopping() {
        for runtime in forwards {
            closeListening(runtime)
            runtime.set(.off)
        }
        if stopDeadline.map({ $0 <= Date() }) ?? true {
            for connection in connections { connection.finish(because: nil) }
        }
    }

    /// Last step: nothing stays open.
    func shutDown() {
        dropSession()
        link = .idle
        linkSince = Date()
        for runtime in forwards {
            runtime.listener = nil
            runtime.set(.off)
        }
        statusDirty = true
    }
}
