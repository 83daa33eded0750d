import Foundation

/// Sends back whatever each connection sends, and closes after the client
/// does. One thread in poll(), so 1,000 connections cost no threads and a
/// 1-byte round trip pays no thread start.
final class EchoServer: @unchecked Sendable {
    private let listener: ServiceListener
    var port: Int { listener.port }

    init() throws {
        listener = try ServiceListener(serve: Self.loop)
    }

    private final class Peer {
        let fd: Int32
        var pending: [UInt8] = []
        var sentOffset = 0
        var clientClosed = false
        init(fd: Int32) { self.fd = fd }
    }

    private static func loop(_ listenFD: Int32) {
        BenchSocket.setNonBlocking(listenFD)
        var peers: [Peer] = []
        var scratch = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            var fds = [pollfd(fd: listenFD, events: Int16(POLLIN), revents: 0)]
            for peer in peers {
                let waiting = peer.sentOffset < peer.pending.count
                fds.append(pollfd(fd: peer.fd, events: waiting ? Int16(POLLOUT) : Int16(POLLIN), revents: 0))
            }
            guard poll(&fds, nfds_t(fds.count), -1) >= 0 || errno == EINTR else { return }
            if fds[0].revents & Int16(POLLNVAL | POLLERR | POLLHUP) != 0 { break }
            if fds[0].revents != 0 {
                while true {
                    let fd = accept(listenFD, nil, nil)
                    guard fd >= 0 else { break }
                    BenchSocket.setNonBlocking(fd)
                    BenchSocket.setNoDelay(fd)
                    peers.append(Peer(fd: fd))
                }
            }
            var finished = Set<Int32>()
            for (index, peer) in zip(fds.indices.dropFirst(), peers) where fds[index].revents != 0 {
                if peer.sentOffset < peer.pending.count {
                    let sent = peer.pending.withUnsafeBytes {
                        send(peer.fd, $0.baseAddress! + peer.sentOffset, peer.pending.count - peer.sentOffset, Int32(MSG_NOSIGNAL))
                    }
                    if sent > 0 { peer.sentOffset += sent } else if errno != EAGAIN && errno != EINTR { finished.insert(peer.fd) }
                } else {
                    let count = scratch.withUnsafeMutableBytes { recv(peer.fd, $0.baseAddress, $0.count, 0) }
                    if count > 0 {
                        peer.pending = Array(scratch[0..<count])
                        peer.sentOffset = 0
                    } else if count == 0 || (errno != EAGAIN && errno != EINTR) {
                        finished.insert(peer.fd)
                    }
                }
            }
            if !finished.isEmpty {
                for fd in finished { close(fd) }
                peers.removeAll { finished.contains($0.fd) }
            }
        }
        for peer in peers { close(peer.fd) }
    }
}
