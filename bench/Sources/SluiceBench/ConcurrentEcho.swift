import Foundation
import SluiceTestSupport

/// Many connections at once through one port to an `EchoServer`: each
/// sends `bytes` and must get exactly those bytes back. One thread in
/// poll(), so the client itself adds no thread per connection.
struct ConcurrentEcho {
    struct Outcome {
        var succeeded: Int
        var seconds: Double
        /// Why the first failed connection failed, for the report.
        var firstFailure: String?
    }

    let port: Int
    let connections: Int
    let bytes: Int
    var timeout: Double = 120
    /// Connections opened at once, then a pause of `wavePause` seconds
    /// before the next; nil opens them all in one burst.
    var wave: Int?
    var wavePause = 0.05

    private final class Peer {
        let fd: Int32
        let seed: UInt8
        var sent = 0
        var received = 0
        var done = false
        var failure: String?
        init(fd: Int32, seed: UInt8) { self.fd = fd; self.seed = seed }
        /// The byte at `offset` of this connection's stream: each connection
        /// sends its own sequence, so crossed streams are caught.
        func byte(at offset: Int) -> UInt8 { UInt8(truncatingIfNeeded: offset &* 31 &+ Int(seed)) }
    }

    /// `whileOpen` runs once every connection is done, before any is
    /// closed: what the crowd costs the processes in between is read there.
    func run(whileOpen: () -> Void = {}) -> Outcome {
        let started = Clock.now
        var peers: [Peer] = []
        for index in 0..<connections {
            if let wave, index > 0, index % wave == 0 { usleep(UInt32(wavePause * 1e6)) }
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            BenchSocket.setNonBlocking(fd)
            BenchSocket.setNoDelay(fd)
            var address = LoopbackPort.address(port: port)
            let result = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            let peer = Peer(fd: fd, seed: UInt8(truncatingIfNeeded: index))
            if result != 0 && errno != EINPROGRESS {
                peer.failure = "connect: \(String(cString: strerror(errno)))"
                peer.done = true
            }
            peers.append(peer)
        }
        var outgoing = [UInt8](repeating: 0, count: 16384)
        var incoming = [UInt8](repeating: 0, count: 65536)
        let deadline = started + timeout
        while Clock.now < deadline {
            let open = peers.filter { !$0.done }
            if open.isEmpty { break }
            var fds = open.map { peer in
                pollfd(fd: peer.fd, events: Int16(POLLIN) | (peer.sent < bytes ? Int16(POLLOUT) : 0), revents: 0)
            }
            guard poll(&fds, nfds_t(fds.count), 1000) >= 0 || errno == EINTR else { break }
            for (descriptor, peer) in zip(fds, open) where descriptor.revents != 0 {
                if descriptor.revents & Int16(POLLOUT) != 0 && peer.sent < bytes {
                    let size = min(outgoing.count, bytes - peer.sent)
                    for offset in 0..<size { outgoing[offset] = peer.byte(at: peer.sent + offset) }
                    let count = outgoing.withUnsafeBytes { send(peer.fd, $0.baseAddress, size, Int32(MSG_NOSIGNAL)) }
                    if count > 0 {
                        peer.sent += count
                    } else if count < 0 && errno != EAGAIN && errno != EINTR {
                        peer.failure = "send: \(String(cString: strerror(errno)))"
                        peer.done = true
                        continue
                    }
                }
                if descriptor.revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                    let count = incoming.withUnsafeMutableBytes { recv(peer.fd, $0.baseAddress, $0.count, 0) }
                    if count > 0 {
                        for offset in 0..<count where incoming[offset] != peer.byte(at: peer.received + offset) {
                            peer.failure = "byte \(peer.received + offset) came back wrong"
                            break
                        }
                        peer.received += count
                        if peer.failure != nil || peer.received > bytes {
                            peer.failure = peer.failure ?? "more bytes came back than were sent"
                            peer.done = true
                        } else if peer.received == bytes {
                            peer.done = true
                        }
                    } else if count == 0 || (errno != EAGAIN && errno != EINTR) {
                        peer.failure = count == 0 ? "closed after \(peer.received) of \(bytes) bytes" : "recv: \(String(cString: strerror(errno)))"
                        peer.done = true
                    }
                }
            }
        }
        let seconds = Clock.now - started
        whileOpen()
        for peer in peers { close(peer.fd) }
        let succeeded = peers.filter { $0.done && $0.failure == nil }.count
        let failure = peers.first { $0.failure != nil }?.failure ?? (succeeded < connections ? "timed out after \(Int(timeout)) s" : nil)
        return Outcome(succeeded: succeeded, seconds: seconds, firstFailure: failure)
    }
}
