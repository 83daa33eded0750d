import CLibSSH
import Foundation
import SluiceCore

/// One SSH channel: the only owner of its `ssh_channel` and of the callback
/// table libssh points at. Freed before its session.
final class SSHChannel {
    private let handle: ssh_channel
    private let session: ssh_session
    /// Heap memory that libssh points at until the callbacks are removed.
    private let callbacks: UnsafeMutablePointer<ssh_channel_callbacks_struct>
    private let box = HandlerBox()
    private var installed = false

    enum OpenResult: Equatable {
        case open
        case pending
        case failed(ChannelOpenFailure)
    }

    convenience init?(session: SSHSession) {
        guard let handle = ssh_channel_new(session.handle) else { return nil }
        self.init(handle: handle, session: session.handle)
    }

    /// Takes ownership of a channel libssh opened for us (a reverse forward's).
    init(handle: ssh_channel, session: ssh_session) {
        self.handle = handle
        self.session = session
        callbacks = .allocate(capacity: 1)
        callbacks.initialize(to: ssh_channel_callbacks_struct())
    }

    deinit {
        // Remove the table before freeing: libssh keeps a freed channel until
        // the server's CLOSE arrives and would call into freed memory.
        if installed { ssh_remove_channel_callbacks(handle, callbacks) }
        ssh_channel_free(handle)
        callbacks.deallocate()
    }

    /// Asks the server to open a TCP connection to `host:port` (direct-tcpip).
    /// Non-blocking: while it answers `.pending`, ask again with `pollOpen`.
    func openForward(host: String, port: Int, originHost: String, originPort: Int) -> OpenResult {
        openRequest = (host, port, originHost, originPort)
        openRequestedAt = .now
        return pollOpen()
    }

    private var openRequest: (host: String, port: Int, originHost: String, originPort: Int)?
    private var openRequestedAt: ContinuousClock.Instant?
    /// How long the server took to open it: a round trip, plus its
    /// connecting to the target (see `RoundTripEstimate`).
    private(set) var openAnsweredAfter: Duration?

    /// Whether the server has answered the open. Calling libssh's open again
    /// on an opening channel only waits for the answer; it sends nothing.
    func pollOpen() -> OpenResult {
        guard let request = openRequest else { return .open }
        let result = ssh_channel_open_forward(handle, request.host, Int32(request.port), request.originHost, Int32(request.originPort))
        if result == SSH_AGAIN { return .pending }
        openRequest = nil
        if result == SSH_OK {
            openAnsweredAfter = openRequestedAt.map { .now - $0 }
            return .open
        }
        return .failed(ChannelOpenFailure(libsshMessage: String(cString: ssh_get_error(UnsafeMutableRawPointer(session)))))
    }

    /// True while the server has not answered an open.
    var isOpening: Bool { openRequest != nil }

    func install(_ handler: ChannelEventHandler) {
        box.handler = handler
        callbacks.pointee.size = MemoryLayout<ssh_channel_callbacks_struct>.size
        callbacks.pointee.userdata = Unmanaged.passUnretained(box).toOpaque()
        callbacks.pointee.channel_data_function = HandlerBox.data
        callbacks.pointee.channel_eof_function = HandlerBox.eof
        callbacks.pointee.channel_close_function = HandlerBox.close
        ssh_set_channel_callbacks(handle, callbacks)
        installed = true
    }

    /// Queues bytes for the server; returns how many it took (at most the
    /// remote window), or -1 when the channel failed.
    func write(_ bytes: UnsafeRawBufferPointer) -> Int {
        let room = min(bytes.count, remoteWindow)
        guard room > 0 else { return 0 }
        let written = ssh_channel_write(handle, bytes.baseAddress, UInt32(room))
        return written < 0 ? -1 : Int(written)
    }

    /// How many bytes the server will take now.
    var remoteWindow: Int { Int(ssh_channel_window_size(handle)) }

    /// Takes bytes libssh already holds for this channel; 0 when none, -1 on error.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let count = ssh_channel_read_nonblocking(handle, buffer.baseAddress, UInt32(buffer.count), 0)
        if count == SSH_EOF { return 0 }
        return Int(count)
    }

    /// Raises the window the server may fill to `size` bytes (libssh 0.10
    /// keeps it between 640,000 bytes and 1.28 MB, which holds a fast sender
    /// back), and takes any bytes libssh holds for this channel into
    /// `buffer`, which must have room for `size`. Returns the bytes taken;
    /// -1 when the channel failed.
    ///
    /// libssh has no setter: a read asking for more than it holds plus the
    /// window is its one way to grow the window. The timeout of 0 keeps
    /// the read from waiting.
    func growWindow(to size: Int, takingHeldBytesInto buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= size)
        let count = ssh_channel_read_timeout(handle, buffer.baseAddress, UInt32(size), 0, 0)
        if count == SSH_EOF { return 0 }
        return Int(count)
    }

    func sendEOF() {
        ssh_channel_send_eof(handle)
    }

    func close() {
        ssh_channel_close(handle)
    }

    var isOpen: Bool { ssh_channel_is_open(handle) != 0 }
}

/// Why the server would not open a channel, from libssh's message
/// "Channel opening failure: channel N error (CODE) DESCRIPTION".
struct ChannelOpenFailure: Equatable, Sendable {
    var code: Int?
    var serverMessage: String

    init(libsshMessage: String) {
        if let open = libsshMessage.range(of: "error ("), let close = libsshMessage[open.upperBound...].firstIndex(of: ")") {
            code = Int(libsshMessage[open.upperBound..<close])
            serverMessage = TerminalText.sanitized(libsshMessage[libsshMessage.index(after: close)...].trimmingCharacters(in: .whitespaces))
        } else {
            code = nil
            serverMessage = TerminalText.sanitized(libsshMessage)
        }
    }

    /// In words, for a connection to `target` made by the server.
    func explanation(target: String) -> String {
        switch code {
        case 1: return "the server refused to forward to \(target) (its sshd forbids it: AllowTcpForwarding or PermitOpen)"
        case 2:
            if serverMessage.lowercased().contains("refused") {
                return "nothing listens on \(target) on the server (connection refused)"
            }
            return "the server could not connect to \(target): \(serverMessage.isEmpty ? "unreachable from the server" : serverMessage)"
        case 4: return "the server is out of resources and refused the connection to \(target)"
        default: return "the server refused the connection to \(target): \(serverMessage)"
        }
    }

    /// In words, for the connection a jump host was asked to make to the
    /// next host of a chain.
    func jumpExplanation(target: String) -> String {
        switch code {
        case 1: return "refused to connect on to \(target) (its sshd forbids it: AllowTcpForwarding or PermitOpen)"
        case 2:
            if serverMessage.lowercased().contains("refused") {
                return "could not connect on to \(target): nothing listens there (connection refused)"
            }
            return "could not connect on to \(target): \(serverMessage.isEmpty ? "unreachable from it" : serverMessage)"
        default: return "refused to connect on to \(target): \(serverMessage)"
        }
    }
}

/// What libssh's C callbacks reach: a weak link to the handler, so a late
/// callback after the handler is gone does nothing.
private final class HandlerBox {
    weak var handler: ChannelEventHandler?

    static func from(_ userdata: UnsafeMutableRawPointer?) -> ChannelEventHandler? {
        guard let userdata else { return nil }
        return Unmanaged<HandlerBox>.fromOpaque(userdata).takeUnretainedValue().handler
    }

    static let data: ssh_channel_data_callback = { _, _, data, length, isStderr, userdata in
        guard let handler = from(userdata), let data else { return Int32(length) }
        // Forwarded TCP has no stderr stream; take it and drop it.
        if isStderr != 0 { return Int32(length) }
        return Int32(handler.channelReceived(UnsafeRawBufferPointer(start: data, count: Int(length))))
    }

    static let eof: ssh_channel_eof_callback = { _, _, userdata in
        from(userdata)?.channelReceivedEOF()
    }

    static let close: ssh_channel_close_callback = { _, _, userdata in
        from(userdata)?.channelClosed()
    }
}
