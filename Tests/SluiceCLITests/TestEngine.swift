import Foundation
import SluiceService
import SluiceTestSupport

/// The engine that runs for a test's store, however it was started (the
/// screen, `sluice start`): found by asking on its control socket (its
/// hello names its pid), stopped by that pid only.
struct TestEngine {
    let paths: ControlPaths

    init(store: String, environment: [String: String]) {
        paths = ControlPaths(store: store, environment: environment)
    }

    /// The pid of the engine answering on the store's socket, or nil.
    private var answering: pid_t? {
        (try? ControlClient(paths: paths, client: "test", timeout: 2))?.engine.pid
    }

    /// The running engine's pid, waiting up to `timeout` for one.
    func pid(timeout: TimeInterval = 10) -> pid_t? {
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            if let pid = answering {
                // A background engine's command line names its store: if
                // this test process crashes, scripts/stop-servers stops it.
                ServerRecord.note(pid: pid, marker: paths.store)
                return pid
            }
            usleep(20_000)
        } while Date() < deadline
        return nil
    }

    var isRunning: Bool { answering != nil }

    /// SIGTERM, then SIGKILL if it is still there after `grace` seconds;
    /// returns once it is gone. A no-op when none runs.
    func stop(grace: TimeInterval = 10) {
        guard let pid = answering else { return }
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        while kill(pid, 0) == 0 && isRunning && Date() < deadline { usleep(20_000) }
        if isRunning { kill(pid, SIGKILL) }
        while isRunning { usleep(20_000) }
    }
}
