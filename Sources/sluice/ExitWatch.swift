import Foundation
import SluiceSSH

/// Reaps a child this process started and says whether it has ended, so a
/// background engine that dies is not left a zombie while the screen runs.
final class ExitWatch: @unchecked Sendable {
    private let lock = NSLock()
    private var exited = false

    init(pid: pid_t) {
        ThreadSignals.startThread(named: "sluice-engine-reaper") { [self] in
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            lock.lock()
            exited = true
            lock.unlock()
        }
    }

    var hasExited: Bool {
        lock.lock()
        defer { lock.unlock() }
        return exited
    }
}
