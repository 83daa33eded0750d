import Foundation
import SluiceCore
import SluiceTestSupport

/// The engine service's figures: how fast a store change reaches the
/// listeners, what `sluice status --json` costs a status bar, and what the
/// engine costs while nothing happens.
enum EngineBench {
    struct Latencies {
        var storeToListener: [Double] = []
        var statusRoundTrip: [Double] = []
    }

    /// A foreground engine (`sluice up`) for `store`, our child, stopped by pid.
    final class RunningEngine {
        let process: ChildProcess
        let environment: [String: String]
        let store: String

        init(sluicePath: String, store: String, home: String) throws {
            self.store = store
            environment = ["HOME": home, "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "XDG_RUNTIME_DIR": home + "/run"]
            try FileManager.default.createDirectory(atPath: home + "/run", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            process = try ChildProcess(sluicePath, ["up", "--store", store], environment: environment)
            let deadline = Clock.now + 20
            while (try? Command(sluicePath, ["status", "--store", store], environment: environment).run().status) != 0 {
                guard Clock.now < deadline, process.isRunning else { throw BenchError("the engine did not answer within 20 s") }
                usleep(10_000)
            }
        }

        deinit {
            process.signal(SIGTERM)
            if process.wait(timeout: 15) == nil {
                process.signal(SIGKILL)
                process.wait()
            }
        }
    }

    /// Switches a forward off and on `changes` times through the store (as
    /// `sluice disable` and `enable` write it) and times each change from
    /// the store's rename to the listener closed or bound; then times
    /// `sluice status --json`, process start included, as a status bar
    /// pays it.
    static func latencies(sluicePath: String, server: SSHServer, home: ClientHome, echoPort: Int, changes: Int = 50, statusCalls: Int = 50) throws -> Latencies {
        let folder = try TemporaryDirectory(prefix: "sluice-bench-engine")
        let port = try LoopbackPort.free()
        let store = Store(path: folder.file("store.json"))
        let reference = try ForwardReference(parsing: "bench/L\(port)")
        try store.update { document in
            try document.addServer(Server(name: "bench", destination: try Destination(parsing: "\(CurrentUser.name)@127.0.0.1:\(server.port)"),
                                          identityFile: home.identityPath))
            _ = try document.addForward(try ForwardSpec(parsing: "\(port):127.0.0.1:\(echoPort)", kind: .local), to: "bench")
        }
        let engine = try RunningEngine(sluicePath: sluicePath, store: store.path, home: home.path)
        try wait(timeout: 20) { !LoopbackPort.isFree(port) }
        var result = Latencies()
        for change in 0..<(2 * changes) {
            let switchingOn = change % 2 == 1
            _ = try store.update { try $0.setEnabled(switchingOn, for: reference) }
            let written = Clock.now
            try wait(timeout: 5) { LoopbackPort.isFree(port) != switchingOn }
            result.storeToListener.append((Clock.now - written) * 1000)
        }
        for _ in 0..<statusCalls {
            let started = Clock.now
            let status = try Command(sluicePath, ["status", "--json", "--store", store.path], environment: engine.environment).run()
            guard status.status == 0, status.stdout.contains("\"snapshot\"") else { throw BenchError("sluice status --json failed: \(status.stderr)") }
            result.statusRoundTrip.append((Clock.now - started) * 1000)
        }
        return withExtendedLifetime(engine) { result }
    }

    private static func wait(timeout: Double, _ condition: () -> Bool) throws {
        let deadline = Clock.now + timeout
        while !condition() {
            guard Clock.now < deadline else { throw BenchError("a listener did not follow the store within \(Int(timeout)) s") }
            usleep(200)
        }
    }
}
