import Foundation
import SluiceCore

/// Held by the one engine that runs for a store, for as long as it runs: a
/// second engine for the same store is refused instead of fighting over
/// its ports. The kernel drops the lock when the process ends, however it
/// ends, so a crashed engine never leaves it stuck. The file holds the
/// holder's pid, for the message.
public final class EngineLock {
    private let fd: Int32

    public init(path: String, store: String) throws(ControlError) {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw .socketFailed(path: path, reason: String(cString: strerror(errno))) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let busy = errno == EWOULDBLOCK
            let reason = String(cString: strerror(errno))
            var text = [UInt8](repeating: 0, count: 32)
            let got = pread(fd, &text, text.count, 0)
            close(fd)
            guard busy else { throw .socketFailed(path: path, reason: reason) }
            let pid = got > 0 ? Int32(String(decoding: text.prefix(got), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) : nil
            throw .alreadyRunning(pid: pid, store: store)
        }
        self.fd = fd
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pwrite(fd, pid, pid.count, 0)
    }

    deinit {
        close(fd)
    }
}
