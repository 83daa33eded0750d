import Foundation
import SluiceCore

/// Carries the next session of a jump chain through a jump host: the jump
/// host's session, a direct-tcpip channel from it to the next host, and
/// one end of a socket pair whose other end the next session uses as its
/// socket (what libssh 0.11's native ProxyJump does, and what `ssh -J`
/// does with a second process).
///
/// It runs on its own thread, which alone drives the jump host's session
/// from then on: the next session's handshake is blocking, and needs its
/// bytes moved meanwhile. The relay is an -L connection in all but name,
/// so it moves bytes with the engine's own `Connection` (windows,
/// backpressure, half-close) and keeps the jump host's link alive with
/// the same keepalives as a server's.
final class HopRelay: LinkCarrier, @unchecked Sendable {
    /// How the jump host is named in messages.
    let label: String
    private let tuning: LinkTuning
    private let wake: WakePipe
    private let lock = NSLock()
    private var stopRequested = false
    private var recordedFailure: String?
    private let ended = NSCondition()
    private var hasEnded = false

    // The relay thread's own, from start on.
    private var session: SSHSession?
    private var connection: Connection?
    private let runtime: ForwardRuntime
    private let windowScratch = UnsafeMutableRawBufferPointer.allocate(byteCount: ReceiveWindow.maximum, alignment: 16)
    private init(session: SSHSession, connection: Connection, runtime: ForwardRuntime, tuning: LinkTuning, wake: WakePipe) {
        self.session = session
        self.wake = wake
        self.connection = connection
        self.runtime = runtime
        self.tuning = tuning
        label = session.host.label
    }

    deinit {
        windowScratch.deallocate()
    }

    /// Opens a channel from `session` (connected and logged in) to `next`,
    /// and starts relaying it. Returns the relay and the descriptor the
    /// next session is to use as its socket.
    static func start(through session: SSHSession, to next: ResolvedHost, tuning: LinkTuning) throws(SessionError) -> (HopRelay, Int32) {
        guard let channel = SSHChannel(session: session) else {
            throw .protocolError("cannot create a channel: \(TerminalText.sanitized(session.lastError))")
        }
        let target = "\(Endpoint.bracketed(next.hostName)):\(next.port)"
        session.measureRoundTrip()
        let opened = try session.blocking { () throws(SessionError) -> SSHChannel.OpenResult in
            channel.openForward(host: next.hostName, port: next.port, originHost: "127.0.0.1", originPort: 0)
        }
        switch opened {
        case .open:
            if let answered = channel.openAnsweredAfter { session.roundTrip.add(answered) }
        case .pending:
            throw .timedOut(host: next.hostName, port: next.port, seconds: next.connectTimeout)
        case .failed(let failure):
            if !session.isConnected { throw .linkLost(session.failureReason) }
            throw .forwardRefused(failure.jumpExplanation(target: target))
        }
        // Made before the socket pair, so a shortage leaves nothing to close.
        let wake: WakePipe
        do { wake = try WakePipe() } catch { throw .protocolError(error.description) }
        let (relayFD, sessionEnd) = try Socket.pair()
        // The relay's end is polled; the session's stays blocking.
        _ = fcntl(relayFD, F_SETFL, fcntl(relayFD, F_GETFL) | O_NONBLOCK)
        let relayEnd = Socket(fd: relayFD)
        let runtime = ForwardRuntime(forward: Forward(
            name: "jump to \(next.label)",
            spec: ForwardSpec(kind: .local, listen: Endpoint(host: nil, port: 0), target: Endpoint(host: next.hostName, port: next.port))), tuning: tuning)
        // Its queues' storage is the relay thread's alone. Not one of a
        // forward's connections, it has no number (0) and no origin.
        let connection = Connection(forward: runtime, id: 0, origin: nil, socket: relayEnd, fallbacks: [], acceptedChannel: channel,
                                    target: target, pool: QueueStoragePool())
        let relay = HopRelay(session: session, connection: connection, runtime: runtime, tuning: tuning, wake: wake)
        session.startPumping()
        ThreadSignals.startThread(named: "sluice-jump-\(session.host.hostName)") { relay.run() }
        return (relay, sessionEnd)
    }

    var failure: String? {
        lock.lock()
        defer { lock.unlock() }
        return recordedFailure
    }

    func stop() {
        lock.lock()
        stopRequested = true
        lock.unlock()
        wake.wake()
        ended.lock()
        while !hasEnded { ended.wait() }
        ended.unlock()
    }

    private var shouldStop: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopRequested
    }

    private func fail(_ reason: String) {
        lock.lock()
        if recordedFailure == nil { recordedFailure = "jump host \(label): \(reason)" }
        lock.unlock()
    }

    private func run() {
        if let session, let connection {
            var keepalive = KeepaliveMonitor(interval: tuning.keepaliveInterval, countMax: tuning.keepaliveCountMax,
                                             packets: session.packetsReceived, now: .now)
            while !shouldStop && !connection.isFinished && relayOnce(session, connection, keepalive: &keepalive) {}
            // The channel goes before the session it belongs to.
            _ = connection.close()
        }
        // Closing the relayed socket tells the next session the way is gone.
        connection = nil
        session = nil
        ended.lock()
        hasEnded = true
        ended.broadcast()
        ended.unlock()
    }

    /// One turn: sleep until the jump host's socket, the relayed socket or
    /// a stop is ready, move bytes, watch the link. False once the jump
    /// host's link is gone.
    private func relayOnce(_ session: SSHSession, _ connection: Connection, keepalive: inout KeepaliveMonitor) -> Bool {
        var fds = [
            pollfd(fd: wake.fd, events: Int16(POLLIN), revents: 0),
            pollfd(fd: session.fd, events: Int16(POLLIN) | (session.wantsWrite ? Int16(POLLOUT) : 0), revents: 0),
            pollfd(fd: connection.socket.fd, events: connection.socketEvents(sessionBusy: session.wantsWrite), revents: 0),
        ]
        let timeout = (keepalive.nextCheck - .now).pollMilliseconds
        if poll(&fds, nfds_t(fds.count), timeout) > 0 {
            if fds[0].revents != 0 { wake.drain() }
            if fds[1].revents != 0 {
                guard session.processIncoming() else {
                    fail(session.failureReason)
                    return false
                }
                connection.sendQueued()
            }
            if fds[2].revents != 0 { connection.handleSocket(fds[2].revents, session: session) }
        }
        if connection.hasStalledUpload && !session.wantsWrite { connection.flushUp() }
        if connection.wantsWindowGrown { connection.growWindow(scratch: windowScratch, roundTrip: session.roundTrip.quickest) }
        guard session.isConnected, session.fd >= 0 else {
            fail(session.failureReason)
            return false
        }
        switch keepalive.tick(packets: session.packetsReceived, now: .now) {
        case .none:
            return true
        case .probe:
            // Twice: see SessionLoop.checkLiveness.
            session.sendKeepalive()
            session.sendKeepalive()
            return true
        case .dead:
            fail("no answer for \(Int(tuning.deadLinkBound)) s")
            return false
        }
    }
}
