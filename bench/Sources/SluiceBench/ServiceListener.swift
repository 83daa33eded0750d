import Foundation
import SluiceTestSupport

/// The listening socket of one of the benchmark's services, with the
/// thread that serves it. The backlog is the kernel's maximum, so 1,000
/// simultaneous connects are never dropped by the service itself.
final class ServiceListener: @unchecked Sendable {
    let port: Int
    private let fd: Int32

    /// Listens on 127.0.0.1 and runs `serve` with the listening socket on a
    /// thread of its own; it ends when the socket is shut down.
    init(serve: @escaping @Sendable (Int32) -> Void) throws {
        (fd, port) = try LoopbackPort.listen(backlog: 4096)
        let fd = self.fd
        Thread { serve(fd) }.start()
    }

    deinit {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }

    /// Accepts connections until the socket is shut down, handing each to
    /// `handle` on the calling thread.
    static func acceptEach(_ listenFD: Int32, _ handle: (Int32) -> Void) {
        while true {
            let fd = accept(listenFD, nil, nil)
            if fd < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return
            }
            handle(fd)
        }
    }
}
