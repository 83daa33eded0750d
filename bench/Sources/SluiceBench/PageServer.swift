import Foundation

/// A minimal HTTP server for the SOCKS runs: every request gets the same
/// 16 KiB page and `Connection: close`, so each fetch is a new connection
/// and a new SOCKS handshake. Serves one connection at a time, as the
/// fetches are sequential.
final class PageServer: @unchecked Sendable {
    static let pageSize = 16 * 1024

    private let listener: ServiceListener
    var port: Int { listener.port }

    init() throws {
        listener = try ServiceListener(serve: Self.serve)
    }

    func url(host: String = "127.0.0.1") -> String { "http://\(host):\(port)/page" }

    private static func serve(_ listenFD: Int32) {
        let body = [UInt8](repeating: UInt8(ascii: "s"), count: pageSize)
        let response = Array("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: \(pageSize)\r\nConnection: close\r\n\r\n".utf8) + body
        var request = [UInt8](repeating: 0, count: 4096)
        ServiceListener.acceptEach(listenFD) { fd in
            var limit = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
            BenchSocket.setNoDelay(fd)
            // Read until the blank line that ends the request's header.
            var received: [UInt8] = []
            while !received.ends(with: Array("\r\n\r\n".utf8)) {
                let count = request.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                guard count > 0 else { break }
                received += request[0..<count]
            }
            if received.ends(with: Array("\r\n\r\n".utf8)) {
                _ = response.withUnsafeBytes { BenchSocket.sendAll(fd, $0) }
            }
            close(fd)
        }
    }
}

private extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool {
        count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix
    }
}
