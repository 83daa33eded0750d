import Foundation
import NIOConcurrencyHelpers
import SluiceCore

/// Calls back when the services file may have changed, without polling the
/// file: inotify on its folder, because editors and tools replace a file
/// by renaming another over it, and a Kubernetes ConfigMap swaps a symlink
/// beside it, neither of which a watch on the file itself would follow.
/// Any event in the folder counts; the reader compares contents, so
/// unrelated files cost a read and nothing more.
final class ServicesFileWatch: Sendable {
    private let stopped = NIOLockedValueBox(false)

    /// Events that come together (an editor's write, rename and chmod)
    /// are taken as one after this much quiet.
    private static let settleMilliseconds: Int32 = 50

    /// Throws the system's words when the folder cannot be watched.
    init(path: String, onChange: @escaping @Sendable () -> Void) throws(SystemError) {
        let folder = (path as NSString).deletingLastPathComponent
        let watched = folder.isEmpty ? "." : folder
        let fd = try valueOrErrno("watch", path: watched) { inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC)) }
        let events = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_ATTRIB)
        do {
            _ = try valueOrErrno("watch", path: watched) { inotify_add_watch(fd, watched, events) }
        } catch {
            close(fd)
            throw error
        }
        let stopped = self.stopped
        let thread = Thread {
            Self.follow(fd, stopped: stopped, onChange: onChange)
            close(fd)
        }
        thread.name = "sluice-services-watch"
        thread.start()
    }

    func stop() {
        stopped.withLockedValue { $0 = true }
    }

    /// Waits in poll() with a timeout, so that `stop()` is seen within half
    /// a second without a second descriptor to wake it.
    private static func follow(_ fd: Int32, stopped: NIOLockedValueBox<Bool>, onChange: @Sendable () -> Void) {
        var buffer = [UInt8](repeating: 0, count: 16 << 10)
        while !stopped.withLockedValue({ $0 }) {
            var waiter = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&waiter, 1, 500) > 0 else { continue }
            var settled = false
            while !settled {
                while read(fd, &buffer, buffer.count) > 0 {}
                var quiet = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                settled = poll(&quiet, 1, settleMilliseconds) <= 0
            }
            if stopped.withLockedValue({ $0 }) { return }
            onChange()
        }
    }
}
