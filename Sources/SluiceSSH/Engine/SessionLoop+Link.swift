import Foundation
import SluiceCore

/// Bringing the link up, noticing when it dies, and taking it down.
extension SessionLoop {
    func connect() {
        link = .connecting
        linkSince = Date()
        statusDirty = true
        publish(force: true)
        // Connecting may take the connect timeout, or as long as a person
        // takes to answer a question: meanwhile a connections view is
        // answered from what there is now, clients held for the link.
        answerWhileBusy(everyForwardsConnections())
        do throws(SessionError) {
            defer { answerFromLoop() }
            let opened = try SessionOpener(settings: settings, prompter: prompter, tuning: tuning).open()
            let newSession = opened.session
            route = opened.plan.route
            notices = opened.notices
            session = newSession
            openCheckForced = true
            newSession.measureRoundTrip()
            // Still in blocking mode: remote ports are asked for before any
            // channel carries traffic, so the bound port is read reliably.
            for runtime in forwards where runtime.forward.enabled && runtime.spec.kind == .reverse {
                requestReverse(runtime)
            }
            guard session != nil else { return }
            newSession.startPumping()
            keepalive = KeepaliveMonitor(interval: tuning.keepaliveInterval, countMax: tuning.keepaliveCountMax,
                                         packets: newSession.packetsReceived, now: .now)
            link = .connected
            linkError = nil
            linkSince = Date()
            backoff.reset()
            for runtime in forwards where runtime.forward.enabled && runtime.listener != nil {
                runtime.set(.up)
            }
            releaseHeldClients()
        } catch {
            session = nil
            scheduleRetry(error.description, needsUser: error.needsUser)
        }
        statusDirty = true
        publish(force: true)
    }

    /// `immediately`: the next attempt is now (the link was found dead on
    /// waking from a sleep, when every second counts), though it still
    /// counts toward the pauses after it.
    private func scheduleRetry(_ reason: String, needsUser: Bool, immediately: Bool = false) {
        linkError = reason
        linkSince = Date()
        if needsUser {
            // Retrying will not help, so do not hold ports: clients get a
            // prompt refusal instead of waiting in a listener's backlog.
            link = .failed
            closeHeldClients(because: "\(settings.serverName): \(reason)")
            for runtime in forwards where runtime.forward.enabled {
                runtime.listener = nil
                runtime.set(.failed, error: "\(settings.serverName): \(reason)")
            }
            return
        }
        let delay = backoff.nextDelay()
        retry(after: immediately ? 0 : delay)
    }

    /// Sets the next connect attempt; the deadline is kept on the monotonic
    /// clock, the status shows it in wall time.
    private func retry(after delay: TimeInterval) {
        nextAttempt = .now + .seconds(delay)
        link = .reconnecting(attempt: max(1, backoff.attempt), next: Date().addingTimeInterval(delay))
    }

    /// The link died under us: drop its connections, keep local listeners
    /// bound (so no other program takes the ports), and try again soon.
    func linkLost(_ reason: String, immediately: Bool = false) {
        dropSession()
        for runtime in forwards where runtime.forward.enabled {
            runtime.set(runtime.status.state == .failed && runtime.spec.kind != .reverse ? .failed : .starting)
        }
        scheduleRetry("the link was lost: \(reason)", needsUser: false, immediately: immediately)
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

    /// No forward wants the link while there is no session: whatever it
    /// was doing (waiting for its next attempt, failed), it is off now and
    /// says so. Wanted again, it is tried at once, from the first pause.
    func stopTrying() {
        link = .idle
        linkError = nil
        linkSince = Date()
        backoff.reset()
        nextAttempt = .now
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
            // The next session asks for every remote port at once.
            runtime.nextRemoteAttempt = nil
            runtime.remoteRetry.reset()
        }
        keepalive = nil
        session = nil
    }

    /// Probes a quiet link and declares it dead when probes go unanswered.
    func checkLiveness() {
        guard let session, var monitor = keepalive else { return }
        let action = monitor.tick(packets: session.packetsReceived, now: .now)
        keepalive = monitor
        switch action {
        case .none:
            return
        case .probe:
            probe(session)
        case .dead:
            let silence = monitor.verifying
                ? "no answer from the server within \(Self.seconds(tuning.resumeProbeTimeout)) s of waking from a sleep"
                : "no answer from the server for \(Self.seconds(.seconds(tuning.deadLinkBound))) s"
            linkLost(session.carriers.lazy.compactMap(\.failure).first ?? silence, immediately: monitor.verifying)
        }
    }

    private func probe(_ session: SSHSession) {
        // Twice: libssh sends a keepalive only every other call while it
        // still holds the previous reply (see SSHSession.sendKeepalive).
        session.sendKeepalive()
        session.sendKeepalive()
    }

    /// "20", "0.5": whole seconds without a fraction.
    private static func seconds(_ duration: Duration) -> String {
        let value = duration.inSeconds
        return value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }

    /// The machine slept or the process was stopped, so the link may have
    /// died without a word: a link that seems up gets one keepalive and a
    /// few seconds to answer it; one being retried is tried now, from the
    /// first pause again; ports waiting to be bound are tried now.
    func checkAfterSleep() {
        guard !stopping else { return }
        if let session, var monitor = keepalive {
            monitor.verify(now: .now, within: tuning.resumeProbeTimeout)
            keepalive = monitor
            probe(session)
        } else if session == nil && wantsLink && link != .failed {
            backoff.reset()
            retry(after: 0)
        }
        for runtime in forwards {
            runtime.nextBindAttempt = .now
            if runtime.nextRemoteAttempt != nil { runtime.nextRemoteAttempt = .now }
        }
        statusDirty = true
    }

    /// First step of stopping: no new connections from now on.
    func beginStopping() {
        for runtime in forwards {
            closeListening(runtime)
            runtime.set(.off)
        }
        if stopDeadline.map({ $0 <= .now }) ?? true {
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
