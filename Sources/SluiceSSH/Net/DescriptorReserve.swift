import Foundation
import SluiceCore

/// The process's file descriptors as every session thread's listeners see
/// them. Listeners stop accepting when the process comes within `size` of
/// its limit (RLIMIT_NOFILE), or when accept() finds none left (EMFILE,
/// ENFILE) or no socket memory: then a crowd of local clients cannot take
/// the descriptors a reconnect, a -R connection or the store needs, and an
/// accept() that keeps failing cannot keep a loop spinning (its listener
/// stays readable). Accepting resumes when a connection closes anywhere in
/// the process: every loop is woken to look again.
final class DescriptorReserve: @unchecked Sendable {
    private let lock = NSLock()
    /// The soft RLIMIT_NOFILE, read again whenever descriptors run short.
    private var limit: Int
    /// Why listeners are paused, until a descriptor is released.
    private var shortage: ForwardStatus.AcceptPause?
    /// Set once accepted descriptors came within twice the reserve of the
    /// limit: from then on each accept is preceded by a look at the next
    /// free descriptor, so accepts never dig into the reserve. Far from the
    /// limit, accepting costs nothing extra. It stays set: a free
    /// descriptor low down (a connection closed) says nothing of how many
    /// are open above it, so it cannot tell that the process is far from
    /// the limit again. (It once did clear it: then each closed connection
    /// let one accept go unchecked past the reserve's edge, and a crowd
    /// that kept coming and going took the whole reserve, -R connections
    /// and all.)
    private var near = false
    private var wakers: [ObjectIdentifier: @Sendable () -> Void] = [:]
    /// The lowest free descriptor, the one accept() on `listener` would
    /// take; -1 with errno set.
    private let lowestFree: @Sendable (_ listener: Int32) -> Int32

    init() {
        limit = Self.softLimit()
        lowestFree = { listener in
            let next = fcntl(listener, F_DUPFD_CLOEXEC, 0)
            if next >= 0 { close(next) }
            return next
        }
    }

    /// For tests: a limit of `limit`, and free descriptors as `lowestFree`
    /// says, whatever the process has.
    init(limit: Int, lowestFree: @escaping @Sendable (_ listener: Int32) -> Int32) {
        self.limit = limit
        self.lowestFree = lowestFree
    }

    /// Descriptors left free for what cannot wait: a reconnect's socket and
    /// the files libssh reads, -R connections, store writes. Enough for a
    /// reconnect and dozens of -R connections, small beside any limit a
    /// system sets (1,024 and up), and never more than an eighth of it.
    var size: Int { min(64, max(1, limit / 8)) }

    /// Calls `wake` when descriptors were released after running short.
    func addWaker(for owner: AnyObject, _ wake: @escaping @Sendable () -> Void) {
        lock.lock()
        wakers[ObjectIdentifier(owner)] = wake
        lock.unlock()
    }

    func removeWaker(for owner: AnyObject) {
        lock.lock()
        wakers[ObjectIdentifier(owner)] = nil
        lock.unlock()
    }

    /// Why `listener` may not accept now, if descriptors are short.
    func pauseBeforeAccepting(on listener: Socket) -> ForwardStatus.AcceptPause? {
        pauseBeforeAccepting(onDescriptor: listener.fd)
    }

    func pauseBeforeAccepting(onDescriptor listener: Int32) -> ForwardStatus.AcceptPause? {
        lock.lock()
        defer { lock.unlock() }
        if let shortage { return shortage }
        guard near else { return nil }
        let next = lowestFree(listener)
        guard next >= 0 else { return runShort(errno) }
        if Int(next) >= limit - size {
            // Descriptors 0 to next - 1 are all open.
            shortage = .outOfDescriptors(open: Int(next), limit: limit)
            return shortage
        }
        return nil
    }

    /// Notes the number accept() gave: numbers grow as descriptors fill up.
    func accepted(_ socket: Socket) {
        accepted(descriptor: Int(socket.fd))
    }

    func accepted(descriptor fd: Int) {
        lock.lock()
        defer { lock.unlock() }
        if fd >= limit - size {
            // Kept, but the next client waits.
            shortage = .outOfDescriptors(open: fd + 1, limit: limit)
        }
        near = near || fd >= limit - 2 * size
    }

    /// accept() or socket() failed with `code`: the reason to pause, which
    /// holds until a descriptor is released; nil if `code` is no shortage.
    func ranShort(_ code: Int32) -> ForwardStatus.AcceptPause? {
        lock.lock()
        defer { lock.unlock() }
        return runShort(code)
    }

    /// A descriptor was closed: after a shortage, every loop looks again.
    func released() {
        lock.lock()
        guard shortage != nil else {
            lock.unlock()
            return
        }
        shortage = nil
        let toWake = Array(wakers.values)
        lock.unlock()
        toWake.forEach { $0() }
    }

    /// Call with the lock held.
    private func runShort(_ code: Int32) -> ForwardStatus.AcceptPause? {
        switch code {
        case EMFILE:
            limit = Self.softLimit()
            shortage = .outOfDescriptors(open: limit, limit: limit)
        case ENFILE:
            shortage = .systemShortage("the system is out of file descriptors")
        case ENOBUFS, ENOMEM:
            shortage = .systemShortage("the system is out of memory for sockets")
        default:
            return nil
        }
        near = true
        return shortage
    }

    private static func softLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        return Int(min(limit.rlim_cur, rlim_t(Int32.max)))
    }
}
