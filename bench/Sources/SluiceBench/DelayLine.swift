import Foundation
import SluiceTestSupport

/// A long link in user space, since this kernel has no netem: a TCP relay
/// on loopback in front of `targetPort` that holds every chunk for half the
/// round trip in each direction before passing it on. Buffering is
/// unbounded and there is no rate cap or loss: what it reproduces is that
/// every window adjustment, acknowledgement and reply waits a full round
/// trip, which is what limits an SSH forward on a real long link.
final class DelayLine: @unchecked Sendable {
    let port: Int
    let roundTrip: Double
    private let listener: ServiceListener

    init(to targetPort: Int, roundTripMilliseconds: Double) throws {
        roundTrip = roundTripMilliseconds / 1000
        let oneWay = roundTrip / 2
        listener = try ServiceListener { listenFD in
            ServiceListener.acceptEach(listenFD) { client in
                let server = BenchSocket.connect(port: targetPort)
                guard server >= 0 else {
                    close(client)
                    return
                }
                BenchSocket.setNoDelay(client)
                let pending = Pending(sockets: 2)
                Self.relay(from: client, to: server, delay: oneWay, pending: pending)
                Self.relay(from: server, to: client, delay: oneWay, pending: pending)
            }
        }
        port = listener.port
    }

    /// Closes both sockets once both directions are done.
    private final class Pending: @unchecked Sendable {
        private let lock = NSLock()
        private var left: Int

        init(sockets: Int) {
            left = sockets
        }

        func finished() -> Bool {
            lock.withLock {
                left -= 1
                return left == 0
            }
        }
    }

    /// One direction: a reader that stamps each chunk with when it may go,
    /// and a writer that sends it then. EOF passes on as a half-close, after
    /// the data before it.
    private static func relay(from source: Int32, to sink: Int32, delay: Double, pending: Pending) {
        let queue = ChunkQueue()
        Thread { read(from: source, into: queue, delay: delay) }.start()
        Thread {
            while let chunk = queue.take() {
                let sent = chunk.withUnsafeBytes { BenchSocket.sendAll(sink, $0) }
                if !sent { break }
            }
            shutdown(sink, Int32(SHUT_WR))
            if pending.finished() {
                close(source)
                close(sink)
            }
        }.start()
    }

    private static func read(from source: Int32, into queue: ChunkQueue, delay: Double) {
        let capacity = 256 << 10
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = recv(source, buffer, capacity, 0)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            queue.put(Array(UnsafeRawBufferPointer(start: buffer, count: count)), due: Clock.now + delay)
        }
        queue.put(nil, due: Clock.now + delay)
    }

    /// Chunks in the order they came, each released at its due time; nil
    /// is the end. Taken chunks are dropped in batches, never changed in
    /// place.
    private final class ChunkQueue: @unchecked Sendable {
        private struct Chunk {
            let bytes: [UInt8]?
            let due: Double
        }

        private let condition = NSCondition()
        private var chunks: [Chunk] = []
        private var head = 0

        func put(_ bytes: [UInt8]?, due: Double) {
            condition.lock()
            chunks.append(Chunk(bytes: bytes, due: due))
            condition.signal()
            condition.unlock()
        }

        /// Waits for the oldest chunk's due time; nil at the end.
        func take() -> [UInt8]? {
            condition.lock()
            defer { condition.unlock() }
            while head >= chunks.count { condition.wait() }
            let next = chunks[head]
            while Clock.now < next.due {
                _ = condition.wait(until: Date().addingTimeInterval(next.due - Clock.now))
            }
            head += 1
            if head >= 64 {
                chunks.removeFirst(head)
                head = 0
            }
            return next.bytes
        }
    }
}
