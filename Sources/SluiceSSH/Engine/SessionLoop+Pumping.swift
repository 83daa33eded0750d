import Foundation

/// One turn of the session thread: sleep in poll() until something is
/// ready, then move bytes. Nothing runs while nothing happens.
extension SessionLoop {
    private enum Owner {
        case wake
        case session
        case listener(ForwardRuntime)
        case connection(Connection)
    }

    func pumpOnce() {
        // libssh asks for POLLOUT after every send, even one that went out
        // whole, only to learn that the socket is writable again. Asked
        // here with a zero timeout, that costs one poll() of one socket;
        // left to the poll() below it cost a whole turn, with two more
        // polls inside libssh, for every packet sent (a connect and a
        // one-byte echo: 18 polls, OpenSSH's ssh 7). A socket that is
        // really full still waits for POLLOUT below.
        if let session, session.wantsWrite {
            serviceSession(batch: 1)
            // That call may also have read the server's close of a
            // connection and ended it. Removed now, before poll(), its room
            // is taken below: left for the end of the turn, a paused
            // listener's clients would wait for whatever woke poll() next,
            // maybe only the keepalive.
            removeFinishedConnections()
        }
        resumeAccepting()
        var fds: [pollfd] = [pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0)]
        var owners: [Owner] = [.wake]
        if let session {
            fds.append(pollfd(fd: session.fd, events: Int16(POLLIN) | (session.wantsWrite ? Int16(POLLOUT) : 0), revents: 0))
            owners.append(.session)
        }
        // While the link is down, clients are accepted to be held for it
        // (see HeldClient). While a link that may have died in a sleep is
        // being checked, and while a forward's accepting is paused, they
        // wait in the kernel's queue instead.
        if !stopping && !(keepalive?.verifying ?? false) {
            for runtime in forwards where runtime.listener != nil && runtime.status.acceptPause == nil {
                fds.append(pollfd(fd: runtime.listener!.fd, events: Int16(POLLIN), revents: 0))
                owners.append(.listener(runtime))
            }
        }
        let busy = session?.wantsWrite ?? true
        // A turn reads at most `upBytesPerTurn` toward the server, so the
        // first served may be the only ones to read: who comes first
        // rotates, or one busy upload would starve every other's.
        servingStart = connections.isEmpty ? 0 : (servingStart + 1) % connections.count
        for offset in connections.indices {
            let connection = connections[(servingStart + offset) % connections.count]
            let events = connection.socketEvents(sessionBusy: busy)
            guard events != 0 else { continue }
            fds.append(pollfd(fd: connection.socket.fd, events: events, revents: 0))
            owners.append(.connection(connection))
        }

        let timeout = pollTimeout()
        let before = SleepDetector.Reading.now()
        let ready = poll(&fds, nfds_t(fds.count), timeout)
        // Before any ready socket is served: a client that connected
        // after the sleep must not be given a channel on a dead link.
        let slept = sleepDetector.slept(before: before, after: .now(), timeout: timeout)
        if takeSleepCheckRequest() || slept {
            checkAfterSleep()
        }
        if ready > 0 {
            let hadSession = session != nil
            var upBytes = 0
            for (index, descriptor) in fds.enumerated() where descriptor.revents != 0 {
                // A link lost on the way took the connections polled with it.
                if hadSession && session == nil { break }
                switch owners[index] {
                case .wake:
                    drainWakes()
                case .session:
                    serviceSession()
                case .listener(let runtime):
                    // Its clients wait for the verdict on the link.
                    guard !(keepalive?.verifying ?? false) else { continue }
                    acceptConnections(on: runtime)
                case .connection(let connection):
                    guard let session else { continue }
                    upBytes += connection.handleSocket(descriptor.revents, session: session, mayRead: upBytes < Self.upBytesPerTurn)
                }
            }
        }
        if let session {
            // Channel windows may have reopened while libssh read from the
            // server: send what waited for them.
            for connection in connections where connection.hasStalledUpload && !session.wantsWrite {
                connection.flushUp()
            }
            for connection in connections where connection.wantsWindowGrown {
                connection.growWindow(scratch: windowScratch, roundTrip: session.roundTrip.quickest)
            }
            // Any libssh call may have read packets off the socket (a write's
            // flush, another channel's open), using up the readiness poll()
            // reported: look for open answers and new -R connections
            // whenever packets arrived, not only after our own read.
            checkOpensAndAccepts()
            // libssh closes the socket itself when it meets EOF or an error
            // inside any call; then the fd is gone from poll() and only this
            // check notices.
            if !session.isConnected || session.fd < 0 {
                linkLost(session.failureReason)
            }
        }
        closeSilentSOCKSClients()
        closeOverdueHeldClients()
        removeFinishedConnections()
        checkLiveness()
        publish()
    }

    private func serviceSession(batch: Int = 64) {
        guard let session else { return }
        guard session.processIncoming(batch: batch) else {
            linkLost(session.failureReason)
            return
        }
        for connection in connections where connection.hasQueuedDown {
            connection.sendQueued()
        }
        checkOpensAndAccepts()
    }

    /// Answers to channel opens and new -R connections arrive only as
    /// packets: with none received since the last look, there is nothing
    /// to find, and asking libssh would cost a poll() per opening channel.
    private func checkOpensAndAccepts() {
        guard let session else { return }
        let packets = session.packetsReceived
        guard packets != packetsAtLastOpenCheck || openCheckForced else { return }
        // Counted before looking: packets the looking itself reads make
        // the next turn look again.
        packetsAtLastOpenCheck = packets
        openCheckForced = false
        for connection in connections where connection.isOpening {
            connection.continueOpening(session: session)
        }
        unansweredChannels.removeAll { channel in
            switch channel.pollOpen() {
            case .pending: return false
            case .open: channel.close(); return true
            case .failed: return true
            }
        }
        acceptReverseConnections()
    }
}
