import Foundation
import SluiceControl
import SluiceCore

/// One client connected to the engine's control socket, as the engine sees
/// it: what it has said so far and what waits to be sent to it. Never
/// blocks: a client that does not read has its output queued up to
/// `outputLimit`, then it is dropped, so no client can stall the engine or
/// grow its memory.
public final class ControlPeer {
    public enum Phase: Equatable {
        /// Connected; its first line must be a hello.
        case greeting
        case ready
        /// Told why it is being closed; closed once that is sent.
        case closing
        case closed
    }

    /// The most queued for one client beyond the message being sent. A
    /// watcher is sent a new snapshot only once it has read the last one
    /// (`snapshotPending`), so what piles up for a client that stops
    /// reading is events; further behind than this, it is dropped.
    public static let outputLimit = 16 << 20

    /// A client with this much unsent is not read from until it catches
    /// up: it cannot make the engine queue without bound by asking.
    public static let readPause = 1 << 20

    /// The most read from one client in one turn of the engine's loop, so
    /// a client that floods cannot keep the engine from the others.
    public static let readPerTurn = 64 << 10

    public let fd: Int32
    public private(set) var phase: Phase = .greeting
    public private(set) var client = ""
    /// Shows questions to a person (the screen).
    public private(set) var answersPrompts = false
    public var watching = false
    /// A newer snapshot exists than the last one this watcher was sent; it
    /// goes out when the watcher has read what is queued.
    public var snapshotPending = false
    /// The client closed its sending side; replies already asked for still
    /// go out, then it is closed.
    public private(set) var inputEnded = false
    /// Replies the engine still owes it that come later than its requests
    /// (`connections`, `close`: a session thread answers them): a client
    /// whose input has ended is kept until they are sent.
    public var repliesOwed = 0
    private var input = LineBuffer(limit: ControlProtocol.maximumRequestBytes)
    private var output = Data()
    private var sent = 0

    public init(fd: Int32) {
        self.fd = fd
    }

    /// True when the other end is another user: the caller closes it
    /// after `refuse`.
    public var isForeign: Bool {
        UnixSocket.peerUID(fd) != getuid()
    }

    public var wantsToWrite: Bool { sent < output.count }

    /// Worth polling for reading: still talking, and not too far behind.
    public var wantsToRead: Bool {
        (phase == .greeting || phase == .ready) && !inputEnded && output.count - sent < Self.readPause
    }

    /// Reads what arrived; returns the requests it completes, each with the
    /// id its reply is to carry. A malformed, oversized or out-of-order
    /// message queues an error and closes.
    public func readRequests() -> [TaggedRequest] {
        var buffer = [UInt8](repeating: 0, count: 16 << 10)
        var requests: [TaggedRequest] = []
        var taken = 0
        while (phase == .greeting || phase == .ready) && !inputEnded && taken < Self.readPerTurn {
            let got = recv(fd, &buffer, buffer.count, 0)
            if got < 0 && errno == EINTR { continue }
            if got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { break }
            guard got > 0 else {
                // Closed once the replies to what it asked are sent (`flush`).
                inputEnded = true
                break
            }
            taken += got
            let lines: [[UInt8]]
            do {
                lines = try input.append(buffer.prefix(got))
            } catch {
                refuse("a message longer than \(error.limit) bytes; each request is one JSON object on one line")
                break
            }
            for line in lines where phase == .greeting || phase == .ready {
                if let request = parse(line) { requests.append(request) }
            }
        }
        return requests
    }

    private func parse(_ line: [UInt8]) -> TaggedRequest? {
        let tagged: TaggedRequest
        do {
            tagged = try ControlProtocol.decode(TaggedRequest.self, from: line)
        } catch {
            refuse("not a request: \(Self.explain(error)); send one JSON object per line, e.g. {\"type\":\"status\"}")
            return nil
        }
        switch (phase, tagged.request) {
        case let (.greeting, .hello(version, client, answersPrompts)):
            guard version == ControlProtocol.version else {
                refuse("this engine speaks protocol \(ControlProtocol.version), not \(version)")
                return nil
            }
            self.client = client
            self.answersPrompts = answersPrompts
            phase = .ready
            return nil
        case (.greeting, _):
            refuse("say hello first: {\"type\":\"hello\",\"protocol\":\(ControlProtocol.version)}")
            return nil
        case (.ready, .hello):
            refuse("hello was already said")
            return nil
        default:
            return tagged
        }
    }

    /// Queues `message`, as the reply to the request `replyTo` names if it
    /// had an id; drops the client if it is too far behind.
    public func send(_ message: EngineMessage, replyTo id: Int? = nil) {
        if let id {
            send(EngineReply(to: id, .message(message)))
            return
        }
        guard let line = try? ControlProtocol.encode(message) else { return }
        send(encoded: line)
    }

    public func send(_ reply: EngineReply) {
        guard let line = try? ControlProtocol.encode(reply) else { return }
        send(encoded: line)
    }

    /// Queues a message already encoded (a snapshot sent to many clients).
    /// One message larger than the limit still goes to a client that has
    /// read everything before it.
    public func send(encoded line: Data) {
        guard phase == .greeting || phase == .ready else { return }
        if wantsToWrite && output.count - sent + line.count > Self.outputLimit {
            drop()
            return
        }
        output.append(line)
        flush()
    }

    /// Sends what the socket takes now.
    public func flush() {
        while sent < output.count {
            let wrote = output.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
            if wrote < 0 && errno == EINTR { continue }
            if wrote < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { break }
            guard wrote > 0 else {
                drop()
                return
            }
            sent += wrote
        }
        if sent == output.count {
            output.removeAll(keepingCapacity: output.count < 1 << 20)
            sent = 0
            if phase == .closing || (inputEnded && repliesOwed == 0) { drop() }
        } else if sent > 1 << 20 {
            output.removeSubrange(..<sent)
            sent = 0
        }
    }

    /// Tells the client why and closes it once that is sent.
    public func refuse(_ message: String) {
        guard phase != .closed else { return }
        send(.error(message))
        if phase != .closed { phase = .closing }
        flush()
    }

    public func drop() {
        guard phase != .closed else { return }
        phase = .closed
        output = Data()
        sent = 0
    }

    /// Closes the descriptor; the engine calls it once the peer is `.closed`.
    public func close() {
        phase = .closed
        Glibc.close(fd)
    }

    private static func explain(_ error: Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context):
            return context.debugDescription
        case DecodingError.keyNotFound(let key, _):
            return "\"\(key.stringValue)\" is missing"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            return field.isEmpty ? "not a JSON object" : "\"\(field)\" has the wrong type"
        default:
            return "not JSON"
        }
    }
}
