import Foundation

/// An exclusive advisory lock on a file beside the store, so that two Sluice
/// processes saving at once take turns instead of losing a change. The lock
/// file is left in place: removing it would race with the next locker.
final class FileLock {
    private let fd: Int32

    init(path: String) throws(SystemError) {
        fd = try valueOrErrno("open the lock file", path: path) { open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600) }
        do {
            _ = try valueOrErrno("lock", path: path) { flock(fd, LOCK_EX) }
        } catch {
            close(fd)
            throw error
        }
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
