import Foundation
import SluiceControl
import SluiceCore

/// A client's end of the control socket: connects to the engine for a
/// store, exchanges hellos, then sends requests and reads messages, either
/// blocking (`sluice status`, `stop`) or from a poll loop (the screen).
///
/// What arrives is kept apart in two: the stream (`next()`, `available()`:
/// hello, a watch's snapshots and events, replies to plain `send`s) and the
/// replies to requests sent with an id (`request`, `call`), which wait in
/// `takeReplies()` or are taken by `reply(to:)`. So a client that watches,
/// as the screen does, asks on the same connection: it sends
/// `request(.connections(...))` and finds the reply by its id among
/// `takeReplies()` after its next `available()`, whatever snapshots and
/// events came between, and whatever order the engine answered in.
public final class ControlClient {
    public let fd: Int32
    public let engine: EngineInfo
    private var incoming: Incoming
    /// The last id given to a request (see `request`).
    private var lastRequestID = 0

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
            var greeting = Incoming()
            let first = try greeting.nextMessage(fd)
            guard case let .hello(version, info) = first else {
                if case .error(let message) = first { throw .refused(message) }
                throw .protocolMismatch("it did not say hello")
            }
            guard version == ControlProtocol.version else { throw .protocolMismatch("protocol \(version), not \(ControlProtocol.version)") }
            guard info.store == paths.store else { throw .protocolMismatch("it follows \(info.store)") }
            self.fd = fd
            self.engine = info
            self.incoming = greeting
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

    /// The next message of the stream, waiting up to the receive timeout
    /// (0: for ever). Replies to requests with an id are kept for
    /// `takeReplies` and `reply(to:)`.
    public func next() throws(ControlError) -> EngineMessage {
        try incoming.nextMessage(fd)
    }

    /// Sends `request` and returns the engine's reply to it, skipping the
    /// snapshots and events a watch may interleave. For the requests whose
    /// reply comes in order (not `connections` or `close`: use `call`).
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

    /// Sends `request` with a new id and returns the id, without waiting:
    /// for a poll loop (the screen), whose reply then comes from
    /// `takeReplies()` after a later `available()`. Replies are matched by
    /// id, never by order: a `connections` reply comes when the server's
    /// session answers, which may be after replies to later requests.
    @discardableResult
    public func request(_ request: ControlRequest) throws(ControlError) -> Int {
        lastRequestID += 1
        let id = lastRequestID
        let line: Data
        do {
            line = try ControlProtocol.encode(TaggedRequest(id: id, request))
        } catch {
            throw .protocolMismatch("a request that cannot be encoded")
        }
        guard UnixSocket.writeAll(fd, line) else { throw .disconnected }
        return id
    }

    /// The replies that have arrived, oldest first; read by `available()`,
    /// `next()` or `reply(to:)`. A poll loop calls it after `available()`.
    public func takeReplies() -> [EngineReply] {
        defer { incoming.replies.removeAll() }
        return incoming.replies
    }

    /// Waits, up to the receive timeout, for the reply to request `id`;
    /// what the stream brings meanwhile stays for `next()` and `available()`,
    /// and other replies for `takeReplies()`.
    public func reply(to id: Int) throws(ControlError) -> EngineReply.Body {
        while true {
            if let index = incoming.replies.firstIndex(where: { $0.requestID == id }) {
                return incoming.replies.remove(at: index).body
            }
            guard try incoming.receive(fd) else { throw .disconnected }
        }
    }

    /// Sends `request` and waits for its reply, whatever else arrives:
    /// for scripts and commands (`sluice connections`).
    public func call(_ request: ControlRequest) throws(ControlError) -> EngineReply.Body {
        try reply(to: try self.request(request))
    }

    /// The open connections of `forward` on `server`, oldest first.
    /// Throws `.refused` with the engine's words for an unknown server or
    /// forward.
    public func connections(server: String, forward: String) throws(ControlError) -> [ConnectionStatus] {
        switch try call(.connections(server: server, forward: forward)) {
        case .connections(let list): return list.connections
        case .message(.error(let message)): throw .refused(message)
        case .message: throw .protocolMismatch("no connection list in reply to connections")
        }
    }

    /// Cuts connection `id` of `forward` on `server`; returns once it is
    /// closed. Throws `.refused` ("connection 7 is already closed") when
    /// the engine could not.
    public func closeConnection(_ id: UInt64, server: String, forward: String) throws(ControlError) {
        switch try call(.close(server: server, forward: forward, connection: id)) {
        case .message(.ok): return
        case .message(.error(let message)): throw .refused(message)
        default: throw .protocolMismatch("no answer to close")
        }
    }

    public func setReceiveTimeout(seconds: Double) {
        Self.setReceiveTimeout(fd, seconds: seconds)
    }

    /// For a poll loop: every message of the stream that has arrived,
    /// without waiting; replies to requests with an id are kept for
    /// `takeReplies()`. Throws `.disconnected` once the engine has gone.
    public func available() throws(ControlError) -> [EngineMessage] {
        var ended = false
        while !ended {
            guard let more = try incoming.receiveAvailable(fd) else { break }
            ended = !more
        }
        let messages = incoming.messages
        incoming.messages = []
        if ended && messages.isEmpty && incoming.replies.isEmpty { throw .disconnected }
        return messages
    }

    /// What has been read and not yet taken: the stream's messages and the
    /// replies, apart.
    private struct Incoming {
        var input = LineBuffer(limit: ControlProtocol.maximumMessageBytes)
        var messages: [EngineMessage] = []
        var replies: [EngineReply] = []

        mutating func nextMessage(_ fd: Int32) throws(ControlError) -> EngineMessage {
            while messages.isEmpty {
                guard try receive(fd) else { throw .disconnected }
            }
            return messages.removeFirst()
        }

        /// One read, waiting up to the receive timeout; false when the
        /// engine has closed the connection.
        mutating func receive(_ fd: Int32) throws(ControlError) -> Bool {
            var buffer = [UInt8](repeating: 0, count: 256 << 10)
            while true {
                let got = recv(fd, &buffer, buffer.count, 0)
                if got < 0 && errno == EINTR { continue }
                if got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                    throw .protocolMismatch("no answer within the timeout")
                }
                guard got > 0 else { return false }
                try take(buffer.prefix(got))
                return true
            }
        }

        /// One read without waiting: nil when nothing is there, false when
        /// the engine has closed the connection.
        mutating func receiveAvailable(_ fd: Int32) throws(ControlError) -> Bool? {
            var buffer = [UInt8](repeating: 0, count: 256 << 10)
            while true {
                let got = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
                if got < 0 && errno == EINTR { continue }
                if got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return nil }
                guard got > 0 else { return false }
                try take(buffer.prefix(got))
                return true
            }
        }

        private mutating func take(_ bytes: ArraySlice<UInt8>) throws(ControlError) {
            let lines: [[UInt8]]
            do {
                lines = try input.append(bytes)
            } catch {
                throw .protocolMismatch("a message over \(error.limit) bytes")
            }
            for line in lines {
                do {
                    switch try ControlProtocol.decode(EngineLine.self, from: line) {
                    case .message(let message): messages.append(message)
                    case .reply(let reply): replies.append(reply)
                    }
                } catch {
                    throw .protocolMismatch("a message Sluice cannot read")
                }
            }
        }
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
