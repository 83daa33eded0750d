import CLibSSH
import CSessionSocket
import Foundation
import SluiceCore

/// One SSH session to one host (a server, or a jump host on the way to
/// one): the only owner of its `ssh_session`.
///
/// Used from one thread at a time (libssh sessions are single-threaded).
/// Connect, host-key check, authentication and remote forward requests run
/// in blocking mode with the connect timeout; then `startPumping` switches
/// to non-blocking mode, where the caller's own poll() tells it when to call
/// `processIncoming`.
///
/// libssh gets only explicit values from the `ResolvedHost`: it reads no
/// ssh config itself, so it never starts a ProxyCommand of its own and
/// never decides a host-key policy.
final class SSHSession {
    enum Role: Equatable {
        case server
        case jumpHost
    }

    let host: ResolvedHost
    let role: Role
    /// The saved server this session serves, for prompts.
    let serverName: String
    let handle: ssh_session
    private var event: ssh_event?
    /// The socket registered with `CSessionSocket` while pumping, or -1.
    private var registeredFD: Int32 = -1
    /// What this session's socket runs through (a jump host's relay, a
    /// ProxyCommand), stopped once the session is gone.
    let carriers: [any LinkCarrier]
    /// Heap memory: libssh keeps these pointers for the session's life.
    private let receiveCounter: UnsafeMutablePointer<ssh_counter_struct>
    private let callbacks: UnsafeMutablePointer<ssh_callbacks_struct>
    let passphraseSource: PassphraseSource
    /// Things the user should know that are not errors, such as a host key
    /// trusted on first use.
    var notices: [String] = []
    /// The link's round trip, learnt from the server's answers (see
    /// `ReceiveWindow`, which grows windows only on a long link).
    var roundTrip = RoundTripEstimate()
    /// The socket given to this session, if any: libssh takes it over (and
    /// closes it) from `ssh_connect` on; before that it is still ours.
    private let givenSocket: Int32?
    private var socketHandedOver = false

    /// A session to `host`, over `socket` when one is given (one end of a
    /// socket pair whose other end a carrier relays; libssh then owns and
    /// closes it), else over a TCP connection libssh makes.
    init(host: ResolvedHost, role: Role, serverName: String, prompter: any Prompter,
         socket: Int32? = nil, carriers: [any LinkCarrier] = []) throws(SessionError) {
        guard let handle = ssh_new() else { throw .protocolError("cannot create an SSH session (out of memory)") }
        self.handle = handle
        self.host = host
        self.role = role
        self.serverName = serverName
        self.carriers = carriers
        givenSocket = socket
        receiveCounter = .allocate(capacity: 1)
        receiveCounter.initialize(to: ssh_counter_struct())
        callbacks = .allocate(capacity: 1)
        callbacks.initialize(to: ssh_callbacks_struct())
        passphraseSource = PassphraseSource(prompter: prompter, server: serverName)
        try configure(socket: socket)
    }

    deinit {
        // The registered socket is not unregistered here: libssh closes it
        // (in ssh_free, or earlier on an error), and CSessionSocket's
        // close() unregisters it then. By now its number may belong to
        // another thread's session.
        if let event {
            ssh_event_remove_session(event, handle)
            ssh_event_free(event)
        }
        ssh_disconnect(handle)
        ssh_free(handle)
        if let givenSocket, !socketHandedOver { close(givenSocket) }
        receiveCounter.deallocate()
        callbacks.deallocate()
        // Only now: the session's socket is closed, so what carried it
        // sees the end and lets go of its own resources.
        for carrier in carriers { carrier.stop() }
    }

    /// How prompts and messages name this host: `[127.0.0.1]:2222`, and
    /// for a jump host also that it is one.
    var displayName: String {
        switch role {
        case .server: return host.knownHostsName
        case .jumpHost: return "\(host.knownHostsName) (jump host \(host.label))"
        }
    }

    private func configure(socket: Int32?) throws(SessionError) {
        try set(SSH_OPTIONS_HOST, host.hostName, "host name")
        var port = UInt32(host.port)
        try check(ssh_options_set(handle, SSH_OPTIONS_PORT, &port), "port \(host.port)")
        try set(SSH_OPTIONS_USER, host.user, "user name")
        // Paths libssh would otherwise build from the passwd entry's home.
        try set(SSH_OPTIONS_SSH_DIR, host.sshDirectory, "ssh folder")
        // libssh expands % escapes in this path once more when it connects.
        try set(SSH_OPTIONS_KNOWNHOSTS, host.knownHostsFile.replacingOccurrences(of: "%", with: "%%"), "known_hosts file")
        var processConfig = false
        try check(ssh_options_set(handle, SSH_OPTIONS_PROCESS_CONFIG, &processConfig), "config processing")
        var strict: Int32 = 1
        try check(ssh_options_set(handle, SSH_OPTIONS_STRICTHOSTKEYCHECK, &strict), "host key checking")
        try set(SSH_OPTIONS_CIPHERS_C_S, host.ciphers, "Ciphers")
        try set(SSH_OPTIONS_CIPHERS_S_C, host.ciphers, "Ciphers")
        if let macs = host.macs {
            try set(SSH_OPTIONS_HMAC_C_S, macs, "MACs")
            try set(SSH_OPTIONS_HMAC_S_C, macs, "MACs")
        }
        if let kex = host.keyExchange { try set(SSH_OPTIONS_KEY_EXCHANGE, kex, "KexAlgorithms") }
        if let hostKeys = host.hostKeyAlgorithms { try set(SSH_OPTIONS_HOSTKEYS, hostKeys, "HostKeyAlgorithms") }
        if let types = host.publicKeyAlgorithms { try set(SSH_OPTIONS_PUBLICKEY_ACCEPTED_TYPES, types, "PubkeyAcceptedAlgorithms") }
        try set(SSH_OPTIONS_COMPRESSION, host.compression ? "yes" : "no", "Compression")
        if let agent = host.agentSocket { try set(SSH_OPTIONS_IDENTITY_AGENT, agent, "IdentityAgent") }
        var noDelay: Int32 = 1
        try check(ssh_options_set(handle, SSH_OPTIONS_NODELAY, &noDelay), "TCP_NODELAY")
        var timeout = host.connectTimeout
        try check(ssh_options_set(handle, SSH_OPTIONS_TIMEOUT, &timeout), "timeout")
        if let socket {
            var fd = socket
            try check(ssh_options_set(handle, SSH_OPTIONS_FD, &fd), "socket")
        } else if let bindAddress = host.bindAddress {
            try set(SSH_OPTIONS_BINDADDR, bindAddress, "BindAddress")
        }
        ssh_set_counters(handle, nil, receiveCounter)
        callbacks.pointee.size = MemoryLayout<ssh_callbacks_struct>.size
        callbacks.pointee.userdata = Unmanaged.passUnretained(passphraseSource).toOpaque()
        callbacks.pointee.auth_function = PassphraseSource.callback
        ssh_set_callbacks(handle, callbacks)
    }

    private func set(_ option: ssh_options_e, _ value: String, _ what: String) throws(SessionError) {
        guard ssh_options_set(handle, option, value) == SSH_OK else {
            throw .badConfig("cannot use \(what) '\(TerminalText.echo(value))' for \(host.label): \(TerminalText.sanitized(lastError))")
        }
    }

    private func check(_ result: Int32, _ what: String) throws(SessionError) {
        if result != SSH_OK { throw .protocolError("cannot set the \(what) of the SSH session for \(host.label): \(TerminalText.sanitized(lastError))") }
    }

    /// libssh's last error message, as it wrote it (it may quote the server).
    var lastError: String {
        guard let text = ssh_get_error(UnsafeMutableRawPointer(handle)) else { return "" }
        return String(cString: text)
    }

    /// Why the link failed, in words: what a carrier saw (a jump host lost,
    /// a ProxyCommand that ended) first, else libssh's message explained.
    var failureReason: String {
        if let carried = carriers.lazy.compactMap(\.failure).first { return carried }
        return LibSSHMessage.explain(lastError, host: host.knownHostsName)
    }

    // MARK: - Connecting

    func connect() throws(SessionError) {
        ssh_set_blocking(handle, 1)
        socketHandedOver = true
        guard ssh_connect(handle) == SSH_OK else { throw classifyConnectError() }
        // libssh creates its TCP socket without close-on-exec; no child
        // (a ProxyCommand of another server) may inherit it.
        let fd = self.fd
        if fd >= 0 { _ = fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC) }
    }

    private func classifyConnectError() -> SessionError {
        for carrier in carriers { carrier.settle(within: 1) }
        if let carried = carriers.lazy.compactMap(\.failure).first { return .cannotConnect(host: host.hostName, port: host.port, reason: carried) }
        let message = lastError
        if message.hasPrefix("Failed to resolve hostname") {
            let reason = message.split(separator: "(").last.map { String($0.dropLast()) } ?? message
            return .cannotResolve(host: host.hostName, reason: TerminalText.sanitized(reason.lowercased()))
        }
        if message.hasPrefix("Timeout connecting") {
            return .timedOut(host: host.hostName, port: host.port, seconds: host.connectTimeout)
        }
        if message == "Connection refused" {
            return .cannotConnect(host: host.hostName, port: host.port, reason: "connection refused (is sshd running there, on that port?)")
        }
        return .cannotConnect(host: host.hostName, port: host.port, reason: LibSSHMessage.explainConnect(message))
    }

    /// True while libssh still considers the link usable.
    var isConnected: Bool { ssh_is_connected(handle) == 1 }

    /// Packets received so far; a keepalive that gets no packet back means
    /// a dead link.
    var packetsReceived: UInt64 { receiveCounter.pointee.in_packets }

    // MARK: - Pumping

    /// Switches to non-blocking mode, driven by the caller's poll(). Call
    /// it on the thread that will drive the session from now on.
    func startPumping() {
        ssh_set_blocking(handle, 0)
        // From here on sends are bounded to 1 ms and (but for jump hosts)
        // reads go through Sources/CSessionSocket's read-ahead.
        if registeredFD < 0, fd >= 0, SessionSocketSetup.prepare(fd, readAhead: role == .server) { registeredFD = fd }
        if event == nil {
            // The session alone in a private event: libssh's internal waits
            // then poll only its own socket, never the caller's fds.
            event = ssh_event_new()
            ssh_event_add_session(event, handle)
        }
    }

    var fd: Int32 { ssh_get_fd(handle) }

    /// True when libssh holds output the socket has not taken yet.
    var wantsWrite: Bool { Int32(ssh_get_poll_flags(handle)) & SSH_WRITE_PENDING != 0 }

    /// Lets libssh read and handle what arrived (channel data goes to the
    /// channels' callbacks) and flush what it can. False when the link failed.
    func processIncoming(batch: Int = 64) -> Bool {
        guard let event else { return false }
        for _ in 0..<batch {
            let result = ssh_event_dopoll(event, 0)
            if result == SSH_ERROR { return false }
            if result == SSH_AGAIN { break }
        }
        return isConnected
    }

    /// Sends a keepalive the server must answer. In non-blocking mode libssh
    /// sends one every other call (see the notes on global-request state);
    /// liveness is judged from `packetsReceived`, not from the reply.
    func sendKeepalive() {
        _ = ssh_send_keepalive(handle)
    }

    /// Runs `body` in blocking mode with the connect timeout, then returns to
    /// non-blocking mode if it was on.
    func blocking<T>(_ body: () throws(SessionError) -> T) throws(SessionError) -> T {
        let wasBlocking = ssh_is_blocking(handle) == 1
        ssh_set_blocking(handle, 1)
        defer { ssh_set_blocking(handle, wasBlocking ? 1 : 0) }
        return try body()
    }
}
