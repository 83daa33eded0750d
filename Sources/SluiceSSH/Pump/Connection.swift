import Foundation
import SluiceCore

/// One forwarded TCP connection: a local socket and an SSH channel, with a
/// bounded queue each way.
///
/// Backpressure both ways: the socket is not read while the up queue is
/// full (the channel's window or the session's output holds it back), and
/// channel data is not taken while the down queue is full (libssh keeps it
/// and stops refilling the server's window). Half-close both ways: a local
/// EOF becomes a channel EOF once queued bytes are sent, and a channel EOF
/// becomes shutdown(SHUT_WR) once queued bytes are written.
final class Connection: ChannelEventHandler {
    /// Bytes read ahead from the local socket toward the server: one read
    /// fills eight SSH packets, which libssh then sends in one go.
    static let upCapacity = 256 * 1024
    /// Bytes the data callback queues toward the local socket before it lets
    /// libssh keep the rest (which stops the server's window refilling). A
    /// batch of packets (256 KiB read ahead) then goes out in one send().
    static let downSoftLimit = 256 * 1024
    /// Room for one drain of everything libssh holds (at most the largest
    /// window, plus the soft limit): see `drainHeldChannelData`. Storage is
    /// taken only as used.
    static let downCapacity = ReceiveWindow.maximum + downSoftLimit
    /// Bytes read ahead while the server opens the channel: a client's
    /// first words (an HTTP request), not its upload. A crowd of clients
    /// opening at once leaves the rest in their sockets, not in memory.
    static let openingReadAhead = 16 * 1024

    enum Phase: Equatable {
        /// A -D client is still saying where to go.
        case socksHandshake
        /// Waiting for the server to open the channel to `target`.
        case opening(target: String)
        /// A -R connection: connecting to the local target.
        case connectingLocal(target: String)
        case relaying
        case finished
    }

    unowned let forward: ForwardRuntime
    /// Its number in the engine (see ConnectionNumbers), which a close names.
    let id: UInt64
    let openedAt: Date
    /// For -R: where the server says the connection came from ("host:port").
    let origin: String?
    /// Where it goes, once known: the target, or what a SOCKS client asked for.
    private(set) var destination: String?
    /// The local client's address, looked up the first time it is asked
    /// for (see Connection+Status.swift), not on the way in.
    var peerAddress: String?
    /// This connection's share of its forward's byte counts.
    var bytesOut: UInt64 = 0
    var bytesIn: UInt64 = 0
    private(set) var socket: Socket
    /// For -R: the target's other addresses, tried in turn if one refuses
    /// (e.g. "localhost" is ::1 first but the service listens on 127.0.0.1).
    private var fallbackAddresses: [SocketAddress] = []
    private(set) var channel: SSHChannel?
    private(set) var phase: Phase
    /// Why it ended early, for the forward's status.
    private(set) var failure: String?

    private var up: ByteQueue
    /// How much one read from the local socket may take (see `readUp`).
    private var upReadLimit = 64 * 1024
    private(set) var localEOF = false
    private var sentEOF = false

    // The server-to-client half's state, kept here (stored properties
    // cannot live in an extension) for Connection+Downstream.swift.
    var down: ByteQueue
    var remoteEOF = false
    var remoteClosed = false
    var shutLocalWrite = false
    /// libssh holds channel data the down queue had no room for.
    var libsshHolding = false
    /// True while `drainHeldChannelData` reads from libssh.
    var draining = false
    /// The window the server may fill, tuned as the transfer goes.
    var window = ReceiveWindow()
    /// Since when the local socket has refused bytes while libssh held more.
    var downBlockedSince: ContinuousClock.Instant?
    /// The SOCKS handshake of a -D connection, until it names its target.
    var socks: SOCKSHandshake?
    /// What a SOCKS client sent that the handshake has not used yet.
    var socksBytes: [UInt8] = []
    /// Its place among the loop's handshake deadlines (`socksDeadlines`).
    var socksTicket: ExpiryQueue<Connection>.Ticket?

    /// A -L or -D connection just accepted; its queues take storage from
    /// `pool`, its session thread's.
    init(forward: ForwardRuntime, id: UInt64, openedAt: Date, socket: Socket, pool: QueueStoragePool) {
        self.forward = forward
        self.id = id
        self.openedAt = openedAt
        origin = nil
        self.socket = socket
        up = ByteQueue(capacity: Self.upCapacity, pool: pool)
        down = ByteQueue(capacity: Self.downCapacity, pool: pool)
        phase = forward.spec.kind == .dynamic ? .socksHandshake : .opening(target: "")
        if forward.spec.kind == .dynamic { socks = SOCKSHandshake() }
    }

    /// A -R connection: the server opened `channel` for a client at
    /// `origin`; `socket` is connecting to the first of the target's
    /// addresses, `fallbacks` are the rest.
    init(forward: ForwardRuntime, id: UInt64, origin: String?, socket: Socket, fallbacks: [SocketAddress],
         acceptedChannel: SSHChannel, target: String, pool: QueueStoragePool) {
        self.forward = forward
        self.id = id
        openedAt = Date()
        self.origin = origin
        destination = target
        self.socket = socket
        up = ByteQueue(capacity: Self.upCapacity, pool: pool)
        down = ByteQueue(capacity: Self.downCapacity, pool: pool)
        fallbackAddresses = fallbacks
        channel = acceptedChannel
        phase = .connectingLocal(target: target)
        acceptedChannel.install(self)
    }

    var isFinished: Bool { phase == .finished }

    /// Opens the channel for a -L connection (or a -D one once the client
    /// named its target). Call `continueOpening` until the phase changes.
    func startOpening(session: SSHSession, host: String, port: Int) {
        guard let channel = SSHChannel(session: session) else {
            finish(because: "cannot create a channel: \(session.lastError)")
            return
        }
        channel.install(self)
        self.channel = channel
        let target = "\(Endpoint.bracketed(host)):\(port)"
        destination = target
        phase = .opening(target: target)
        handleOpenResult(channel.openForward(host: host, port: port, originHost: "127.0.0.1", originPort: socket.localPort), session: session)
    }

    /// Re-asks libssh whether the server has answered the open.
    func continueOpening(session: SSHSession) {
        guard case .opening = phase, let channel else { return }
        handleOpenResult(channel.pollOpen(), session: session)
    }

    private func handleOpenResult(_ result: SSHChannel.OpenResult, session: SSHSession) {
        guard case .opening(let target) = phase else { return }
        switch result {
        case .pending:
            return
        case .open:
            if let answered = channel?.openAnsweredAfter { session.roundTrip.add(answered) }
            if socks != nil {
                sendSmall(socks!.successReply())
                socks = nil
            }
            phase = .relaying
            flushUp()
        case .failed(let reason):
            if socks != nil {
                sendSmall(socks!.failureReply(Self.socksReply(for: reason)))
            }
            finish(because: reason.explanation(target: target))
        }
    }

    var isOpening: Bool {
        if case .opening = phase { return true }
        return false
    }

    /// The poll events this connection's socket waits for now.
    /// `sessionBusy`: libssh still has output queued, so reading more from
    /// the socket would only pile it up (and block in libssh's send()).
    func socketEvents(sessionBusy: Bool) -> Int16 {
        switch phase {
        case .socksHandshake:
            return Int16(POLLIN)
        case .opening:
            // Read ahead while the server opens the channel: clients often
            // send first (HTTP), and a hang-up is noticed at once.
            return !localEOF && up.count < Self.openingReadAhead ? Int16(POLLIN) : 0
        case .finished:
            return 0
        case .connectingLocal:
            return Int16(POLLOUT)
        case .relaying:
            var events: Int16 = 0
            if !localEOF && up.freeSpace > 0 && !sessionBusy { events |= Int16(POLLIN) }
            if !down.isEmpty || libsshHolding { events |= Int16(POLLOUT) }
            return events
        }
    }

    /// Acts on what poll() reported for the socket. `mayRead`: the turn's
    /// budget for reading toward the server is not spent (see
    /// `SessionLoop.upBytesPerTurn`); a hang-up or error is read regardless.
    /// Returns the bytes read from the socket.
    @discardableResult
    func handleSocket(_ revents: Int16, session: SSHSession, mayRead: Bool = true) -> Int {
        switch phase {
        case .socksHandshake:
            readSOCKS(session: session)
        case .connectingLocal(let target):
            let error = socket.pendingError
            if error == 0 {
                phase = .relaying
                drainHeldChannelData()
                flushDown()
                return 0
            }
            while !fallbackAddresses.isEmpty {
                let next = fallbackAddresses.removeFirst()
                if let retry = try? Socket.connect(to: next) {
                    socket = retry
                    return 0
                }
            }
            finish(because: "nothing accepts connections on \(target) on this machine (\(String(cString: strerror(error))))")
        case .relaying:
            if revents & Int16(POLLOUT) != 0 {
                flushDown()
                drainHeldChannelData()
            }
            let readable = revents & Int16(POLLIN | POLLHUP | POLLERR) != 0
            if readable && phase == .relaying && (mayRead || revents & Int16(POLLHUP | POLLERR) != 0) { return readUp() }
        case .opening:
            if revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 { return readUp() }
        case .finished:
            break
        }
        return 0
    }

    /// Sends queued bytes up once the channel's window has room again.
    var hasStalledUpload: Bool { phase == .relaying && !up.isEmpty }

    /// Queues bytes for the server ahead of anything read later.
    func queueForServer(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { up.append($0) }
    }

    func flushUp() {
        guard phase == .relaying, let channel else { return }
        while !up.isEmpty {
            var failed = false
            let sent = up.consume { bytes in
                let written = channel.write(bytes)
                if written < 0 { failed = true; return 0 }
                return written
            }
            if failed {
                finish(because: nil)
                return
            }
            forward.status.bytesOut += UInt64(sent)
            bytesOut += UInt64(sent)
            if sent == 0 { break }
        }
        if up.isEmpty && localEOF && !sentEOF {
            channel.sendEOF()
            sentEOF = true
            finishIfDone()
        }
    }

    private func readUp() -> Int {
        var result = Socket.ReadResult.wouldBlock
        let limit = isOpening ? Self.openingReadAhead - up.count : upReadLimit
        let count = up.append(upTo: limit) { buffer in
            result = socket.read(into: buffer)
            if case .data(let count) = result { return count }
            return 0
        }
        // A read that filled its limit asks for a bigger one next time: a
        // bulk transfer soon reads `upCapacity` at once, while a small
        // exchange never makes its queue allocate more than it uses.
        if count == upReadLimit { upReadLimit = min(upReadLimit * 2, Self.upCapacity) }
        switch result {
        case .data, .wouldBlock:
            break
        case .endOfFile:
            localEOF = true
        case .failed:
            // The local side reset the connection: nothing more to deliver.
            finish(because: nil)
            return count
        }
        flushUp()
        return count
    }

    /// Finishes once both directions are done, or the server closed and
    /// everything it sent was written.
    func finishIfDone() {
        if (sentEOF && shutLocalWrite) || (remoteClosed && down.isEmpty && !libsshHolding) {
            finish(because: nil)
        }
    }

    /// Ends the connection at once, as a failure both ends can tell from a
    /// normal end: the local side gets a reset rather than an EOF (a
    /// download cut short must not look complete), the server's side the
    /// channel's close. The loop closes both when it removes it.
    func abort() {
        socket.resetOnClose()
        finish(because: nil)
    }

    /// Ends the connection; the loop then closes the channel and socket.
    func finish(because reason: String?) {
        guard phase != .finished else { return }
        if failure == nil { failure = reason }
        phase = .finished
    }

    /// Closes the channel politely; called by the loop when it removes the
    /// connection, outside any libssh callback. A channel the server has not
    /// answered yet is handed back instead: freed now, libssh would forget
    /// it and the server's answer would leave its TCP connection open.
    func close() -> SSHChannel? {
        defer { channel = nil }
        guard let channel else { return nil }
        if channel.isOpening { return channel }
        if channel.isOpen { channel.close() }
        return nil
    }
}
