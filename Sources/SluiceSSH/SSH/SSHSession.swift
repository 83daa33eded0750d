import CLibSSH
import CSessionSocket
import Foundation
import SluiceCore

/// One SSH session to one server: the only owner of its `ssh_session`.
///
/// Used from one thread only (libssh sessions are single-threaded). Connect,
/// host-key check, authentication and remote forward requests run in
/// blocking mode with the connect timeout; then `startPumping` switches to
/// non-blocking mode, where the caller's own poll() tells it when to call
/// `processIncoming`.
final class SSHSession {
    let settings: SessionSettings
    let handle: ssh_session
    private var event: ssh_event?
    /// The socket registered with `CSessionSocket` while pumping, or -1.
    private var registeredFD: Int32 = -1
    /// Heap memory: libssh keeps these pointers for the session's life.
    private let receiveCounter: UnsafeMutablePointer<ssh_counter_struct>
    private let callbacks: UnsafeMutablePointer<ssh_callbacks_struct>
    let passphraseSource: PassphraseSource

    init(settings: SessionSettings, prompter: any Prompter) throws(SessionError) {
        guard let handle = ssh_new() else { throw .protocolError("cannot create an SSH session (out of memory)") }
        self.handle = handle
        self.settings = settings
        receiveCounter = .allocate(capacity: 1)
        receiveCounter.initialize(to: ssh_counter_struct())
        callbacks = .allocate(capacity: 1)
        callbacks.initialize(to: ssh_callbacks_struct())
        passphraseSource = PassphraseSource(prompter: prompter, server: settings.serverName)
        try configure()
    }

    deinit {
        if registeredFD >= 0 { sluice_session_socket_unregister(registeredFD) }
        if let event {
            ssh_event_remove_session(event, handle)
            ssh_event_free(event)
        }
        ssh_disconnect(handle)
        ssh_free(handle)
        receiveCounter.deallocate()
        callbacks.deallocate()
    }

    /// The host and port libssh connects to (after the ssh config turned an
    /// alias into a HostName and Port), as known_hosts names them.
    var displayName: String {
        SessionError.knownHostsName(host: host, port: port)
    }

    var host: String {
        var value: UnsafeMutablePointer<CChar>?
        guard ssh_options_get(handle, SSH_OPTIONS_HOST, &value) == SSH_OK, let value else { return settings.destination.host }
        defer { ssh_string_free_char(value) }
        return String(cString: value)
    }

    var port: Int {
        var value: UInt32 = 0
        guard ssh_options_get_port(handle, &value) == SSH_OK, value > 0 else { return settings.destination.port ?? 22 }
        return Int(value)
    }

    private func configure() throws(SessionError) {
        try set(SSH_OPTIONS_HOST, settings.destination.host)
        try applyExplicitUserAndPort()
        // libssh finds ~ from the passwd entry; Sluice follows $HOME, so it
        // names every path itself and stops libssh reading config on its own.
        try set(SSH_OPTIONS_SSH_DIR, settings.sshDirectory)
        try set(SSH_OPTIONS_KNOWNHOSTS, settings.knownHostsPath)
        var processConfig = false
        try check(ssh_options_set(handle, SSH_OPTIONS_PROCESS_CONFIG, &processConfig), "config processing")
        try set(SSH_OPTIONS_CIPHERS_C_S, settings.ciphers)
        try set(SSH_OPTIONS_CIPHERS_S_C, settings.ciphers)
        var noDelay: Int32 = 1
        try check(ssh_options_set(handle, SSH_OPTIONS_NODELAY, &noDelay), "TCP_NODELAY")
        var timeout = settings.connectTimeout
        try check(ssh_options_set(handle, SSH_OPTIONS_TIMEOUT, &timeout), "timeout")
        // User settings first, then the system's, as OpenSSH reads them.
        for file in [settings.configPath, "/etc/ssh/ssh_config"] where FileManager.default.isReadableFile(atPath: file) {
            if ssh_options_parse_config(handle, file) != 0 {
                throw .protocolError("cannot read the ssh config \(file): \(lastError)")
            }
        }
        // libssh lets a config Port replace one set before; as with ssh's
        // command line, what the user wrote in the destination wins.
        try applyExplicitUserAndPort()
        if let jump = settings.jumpHost {
            try set(SSH_OPTIONS_PROXYCOMMAND, Self.proxyCommand(jump: jump))
        }
        ssh_set_counters(handle, nil, receiveCounter)
        callbacks.pointee.size = MemoryLayout<ssh_callbacks_struct>.size
        callbacks.pointee.userdata = Unmanaged.passUnretained(passphraseSource).toOpaque()
        callbacks.pointee.auth_function = PassphraseSource.callback
        ssh_set_callbacks(handle, callbacks)
    }

    private func applyExplicitUserAndPort() throws(SessionError) {
        if let user = settings.destination.user { try set(SSH_OPTIONS_USER, user) }
        if let port = settings.destination.port {
            var value = UInt32(port)
            try check(ssh_options_set(handle, SSH_OPTIONS_PORT, &value), "port")
        }
    }

    /// OpenSSH's `-J a,b,c` as a ProxyCommand: libssh 0.10 has no native jump.
    static func proxyCommand(jump: String) -> String {
        var hops = jump.split(separator: ",").map(String.init)
        let last = hops.removeLast()
        let through = hops.isEmpty ? "" : " -J \(hops.joined(separator: ","))"
        return "ssh\(through) -W '[%h]:%p' \(last)"
    }

    private func set(_ option: ssh_options_e, _ value: String) throws(SessionError) {
        try check(ssh_options_set(handle, option, value), "option")
    }

    private func check(_ result: Int32, _ what: String) throws(SessionError) {
        if result != SSH_OK { throw .protocolError("cannot set the SSH \(what): \(lastError)") }
    }

    var lastError: String {
        guard let text = ssh_get_error(UnsafeMutableRawPointer(handle)) else { return "unknown error" }
        return String(cString: text)
    }

    // MARK: - Connecting

    func connect() throws(SessionError) {
        ssh_set_blocking(handle, 1)
        guard ssh_connect(handle) == SSH_OK else { throw classifyConnectError() }
    }

    private func classifyConnectError() -> SessionError {
        let message = lastError
        if message.hasPrefix("Failed to resolve hostname") {
            let reason = message.split(separator: "(").last.map { String($0.dropLast()) } ?? message
            return .cannotResolve(host: host, reason: reason.lowercased())
        }
        if message.hasPrefix("Timeout connecting") {
            return .timedOut(host: host, port: port, seconds: settings.connectTimeout)
        }
        if message == "Connection refused" {
            return .cannotConnect(host: host, port: port, reason: "connection refused (is sshd running there, on that port?)")
        }
        return .cannotConnect(host: host, port: port, reason: message.prefix(1).lowercased() + message.dropFirst())
    }

    /// True while libssh still considers the link usable.
    var isConnected: Bool { ssh_is_connected(handle) == 1 }

    /// Packets received so far; a keepalive that gets no packet back means
    /// a dead link.
    var packetsReceived: UInt64 { receiveCounter.pointee.in_packets }

    // MARK: - Pumping

    /// Switches to non-blocking mode, driven by the caller's poll().
    func startPumping() {
        ssh_set_blocking(handle, 0)
        // From here on libssh's reads and writes of its socket go through
        // Sources/CSessionSocket: big reads, and writes that never block.
        if registeredFD < 0, fd >= 0, sluice_session_socket_register(fd) == 0 { registeredFD = fd }
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

/// Asks the prompter for key passphrases when libssh (or OpenSSL) needs one,
/// so nothing ever reads the terminal behind the screen's back.
final class PassphraseSource: @unchecked Sendable {
    let prompter: any Prompter
    let server: String
    /// Set when the user declined, so the caller can say so.
    var declined = false

    init(prompter: any Prompter, server: String) {
        self.prompter = prompter
        self.server = server
    }

    static let callback: ssh_auth_callback = { prompt, buffer, length, _, _, userdata in
        guard let userdata, let buffer, length > 0 else { return -1 }
        let source = Unmanaged<PassphraseSource>.fromOpaque(userdata).takeUnretainedValue()
        let text = prompt.map { String(cString: $0) } ?? "Passphrase:"
        guard case .text(let answer) = source.prompter.answer(.passphrase(text: text), server: source.server) else {
            source.declined = true
            return -1
        }
        let bytes = Array(answer.utf8)
        guard bytes.count < length else { return -1 }
        bytes.withUnsafeBufferPointer { raw in
            raw.baseAddress!.withMemoryRebound(to: CChar.self, capacity: bytes.count) { chars in
                buffer.update(from: chars, count: bytes.count)
            }
        }
        buffer[bytes.count] = 0
        return 0
    }
}
