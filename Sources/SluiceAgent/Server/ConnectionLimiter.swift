import NIOConcurrencyHelpers

/// Counts what the agent holds open, so that a flood of clients meets a
/// limit instead of the process's memory or descriptors running out:
/// streams (upgraded WebSockets, at most `maxStreams`, beyond which a
/// request gets 503) and sockets (every accepted TCP connection, at most
/// `maxSockets`, beyond which one is closed unanswered).
final class ConnectionLimiter: Sendable {
    let maxStreams: Int
    let maxSockets: Int
    private let counts = NIOLockedValueBox((streams: 0, sockets: 0))

    /// Room above the streams for requests being answered (probes, 503s,
    /// refusals) and for handshakes in flight.
    static let socketHeadroom = 256

    init(maxStreams: Int) {
        self.maxStreams = maxStreams
        maxSockets = maxStreams + Self.socketHeadroom
    }

    func admitSocket() -> Bool {
        counts.withLockedValue { counts in
            guard counts.sockets < maxSockets else { return false }
            counts.sockets += 1
            return true
        }
    }

    func releaseSocket() {
        counts.withLockedValue { $0.sockets -= 1 }
    }

    func reserveStream() -> Bool {
        counts.withLockedValue { counts in
            guard counts.streams < maxStreams else { return false }
            counts.streams += 1
            return true
        }
    }

    func releaseStream() {
        counts.withLockedValue { $0.streams -= 1 }
    }

    var openStreams: Int { counts.withLockedValue { $0.streams } }
}
