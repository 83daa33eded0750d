import Foundation
import SluiceControl
import SluiceCore

/// A client's end of the control socket: connects to the engine for a
/// store, exchanges hellos, then sends requests and reads messages, either
/// blocking (`sluice status`, `stop`) or from a poll loop (the screen).
public final class ControlClient {
    public let fd: Int32
    public let engine: EngineInfo
    private var input = LineBuffer(limit: ControlProtocol.maximumMessageBytes)
    private var received: [EngineMessage] = []

    /// Connects and greets. `answersPrompts`: this client shows questions
    /// to a person, so the engine sends them here.
    public init(paths: ControlPaths, client: String, answersPrompts: Bool = false, timeout: Double = 5) throws(ControlError) {
        let fd = try UnixSocket.make(path: paths.socket, blocking: true)
        do throws(ControlError) {
            // An engine too busy to accept must not hang the caller.
            Self.setTimeout(fd, SO_SNDTIMEO, seconds: timeout)
            let connected = try UnixSocket.withAddress(paths.socket) { connect(fd, $0, $1) }
            if connected != 0 {
                switch errno {
                case ENOENT, ECONNREFUSED: throw .notRunning(store: paths.store)
                default: throw .socketFailed(path: paths.socket, reason: String(cString: strerror(errno)))
                }
            }
            Self.setReceiveTimeout(fd, seconds: timeout)
            guard UnixSocket.writeAll(fd, try Self.encode(.hello(protocol: ControlProtocol.version, client: client, answersPrompts: answersPrompts))) else {
                throw .disconnected
            }
            var greeting = LineBuffer(limit: ControlProtocol.maximumMessageBytes)
            var pending: [EngineMessage] = []
            let first = try Self.readMessage(fd, &greeting, &pending)
            guard case let .hello(version, info) = first else {
                if case .error(let message) = first { throw .refused(message) }
                throw .protocolMismatch("it did not say hello")
            }
            guard version == ControlProtocol.version else { throw .protocolMismatch("protocol \(version), not \(ControlProtocol.version)") }
            guard info.store == paths.store else { throw .protocolMismatch("it follows \(info.store)") }
            self.fd = fd
            self.engine = info
            self.input = greeting
            self.received = pending
        } catch {
            close(fd)
            throw error
        }
    }

    deinit {
        close(fd)
    }

    public func send(_ request: ControlRequest) throws(ControlError) {
        guard UnixSocket.writeAll(fd, try Self.encode(request)) else { throw .disconnected }
    }

    /// The next message, waiting up to the receive timeout (0: for ever).
    public func next() throws(ControlError) -> EngineMessage {
        if !received.isEmpty { return received.removeFirst() }
        return try Self.readMessage(fd, &input, &received)
    }

    /// Sends `request` and returns the engine's reply to it, skipping the
    /// snapshots and events a watch may interleave.
    public func ask(_ request: ControlRequest) throws(ControlError) -> EngineMessage {
        try send(request)
        while true {
            let message = try next()
            switch message {
            case .event: continue
            case .snapshot where request != .status: continue
            default: return message
            }
        }
    }

    public func setReceiveTimeout(seconds: Double) {
        Self.setReceiveTimeout(fd, seconds: seconds)
    }

    /// For a poll loop: every message that has arrived, without waiting.
    /// Throws `.disconnected` once the engine has gone.
    public func available() throws(ControlError) -> [EngineMessage] {
        var messages = received
        received = []
        var buffer = [UInt8](repeating: 0, count: 256 << 10)
        while true {
            let got = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if got < 0 && errno == EINTR { continue }
            if got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return messages }
            guard got > 0 else {
                if messages.isEmpty { throw .disconnected }
                return messages
            }
            messages += try Self.decodeLines(&input, buffer.prefix(got))
        }
    }

    private static func readMessage(_ fd: Int32, _ input: inout LineBuffer, _ pending: inout [EngineMessage]) throws(ControlError) -> EngineMessage {
        var buffer = [UInt8](repeating: 0, count: 256 << 10)
        while pending.isEmpty {
            let got = recv(fd, &buffer, buffer.count, 0)
            if got < 0 && errno == EINTR { continue }
            if got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                throw .protocolMismatch("no answer within the timeout")
            }
            guard got > 0 else { throw .disconnected }
            pending += try decodeLines(&input, buffer.prefix(got))
        }
        return pending.removeFirst()
    }

    private static func decodeLines(_ input: inout LineBuffer, _ bytes: ArraySlice<UInt8>) throws(ControlError) -> [EngineMessage] {
        let lines: [[UInt8]]
        do {
            lines = try input.append(bytes)
        } catch {
            throw .protocolMismatch("a message over \(error.limit) bytes")
        }
        var messages: [EngineMessage] = []
        for line in lines {
            do {
                messages.append(try ControlProtocol.decode(EngineMessage.self, from: line))
            } catch {
                throw .protocolMismatch("a message Sluice cannot read")
            }
        }
        return messages
    }

    private static func encode(_ request: ControlRequest) throws(ControlError) -> Data {
        do {
            return try ControlProtocol.encode(request)
        } catch {
            // Not the request itself: an answer holds a secret.
            throw .protocolMismatch("a request that cannot be encoded")
        }
    }

    private static func setReceiveTimeout(_ fd: Int32, seconds: Double) {
        setTimeout(fd, SO_RCVTIMEO, seconds: seconds)
    }

    private static func setTimeout(_ fd: Int32, _ option: Int32, seconds: Double) {
        var limit = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - seconds.rounded(.down)) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, option, &limit, socklen_t(MemoryLayout<timeval>.size))
    }
}
