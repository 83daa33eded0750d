import Foundation
import SluiceService
import SluiceTestSupport

/// The engine that runs for a test's store, however it was started (the
/// screen, `sluice start`): found by the pid in its lock, stopped by that
/// pid only.
struct TestEngine {
    let paths: ControlPaths

    init(store: String, environment: [String: String]) {
        paths = ControlPaths(store: store, environment: environment)
    }

    /// The running engine's pid, waiting up to `timeout` for one.
    func pid(timeout: TimeInterval = 10) -> pid_t? {
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            if let pid = EngineLock.holder(path: paths.lock) {
                // A background engine's command line names its store: if
                // this test process crashes, scripts/stop-servers stops it.
                ServerRecord.note(pid: pid, marker: paths.store)
                return pid
            }
            usleep(20_000)
        } while Date() < deadline
        return nil
    }

    var isRunning: Bool { EngineLock.holder(path: paths.lock) != nil }

    /// SIGTERM, then SIGKILL if it is still there after `grace` seconds;
    /// returns once it is gone. A no-op when none runs.
    func stop(grace: TimeInterval = 10) {
        guard let pid = EngineLock.holder(path: paths.lock) else { return }
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        while isRunning && Date() < deadline { usleep(20_000) }
        if isRunning { kill(pid, SIGKILL) }
        while isRunning { usleep(20_000) }
    }
}
