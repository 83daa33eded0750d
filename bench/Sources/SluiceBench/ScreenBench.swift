import Foundation
import SluiceCore
import SluiceTestSupport

/// The screen's first frame on a big store, and what the engine behind
/// it costs while nothing happens.
enum ScreenBench {
    /// The key bar's last word: the bottom row, drawn last.
    static let frameMarker = "quit"

    /// Seconds from starting `sluice` to its first complete frame, attached
    /// to the engine already running for a store of `servers` servers with
    /// `forwardsPerServer` forwards each, all switched on. The servers
    /// refuse connections (a closed port), so the engine is busy failing
    /// and retrying 100 links while the screen attaches: the screen must
    /// not wait for it.
    static func firstFrame(sluicePath: String, servers: Int = 100, forwardsPerServer: Int = 10) throws -> Double {
        let folder = try TemporaryDirectory(prefix: "sluice-bench-screen")
        let closed = try ClosedPort()
        var ports = try freePorts(count: servers * forwardsPerServer, from: 21000).makeIterator()
        let document = StoreDocument(servers: try (1...servers).map { serverIndex in
            let name = String(format: "srv%03d", serverIndex)
            let forwards = try (1...forwardsPerServer).map { forwardIndex in
                Forward(name: "fwd\(forwardIndex)",
                        spec: try ForwardSpec(parsing: "\(ports.next()!):127.0.0.1:\(5000 + forwardIndex)", kind: .local))
            }
            return Server(name: name, destination: try Destination(parsing: "deploy@127.0.0.1:\(closed.port)"), forwards: forwards)
        })
        let store = try folder.write("store.json", document.jsonText, mode: 0o600)
        try FileManager.default.createDirectory(atPath: folder.file("home/.ssh"), withIntermediateDirectories: true)
        let engine = try EngineBench.RunningEngine(sluicePath: sluicePath, store: store, home: folder.file("home"))
        let run = try TerminalRun(sluicePath, ["--store", store], environment: terminalEnvironment(home: folder.file("home")), marker: frameMarker)
        defer { run.stop() }
        let seconds = try run.waitForMarker(timeout: 20)
        guard run.text.contains("srv001") else { throw BenchError("the first frame does not show the store's first server") }
        return withExtendedLifetime((closed, engine)) { seconds }
    }

    /// The engine's CPU use with no client attached, as a fraction of one
    /// core, over `seconds` of idling with `forwards` live -L forwards to
    /// the echo service: what runs all day.
    static func engineIdleCPU(sluicePath: String, server: SSHServer, home: ClientHome, echoPort: Int, forwards: Int = 20, seconds: Double = 10) throws -> Double {
        let ports = try freePorts(count: forwards, from: 23000)
        let folder = try TemporaryDirectory(prefix: "sluice-bench-idle")
        let document = StoreDocument(servers: [
            Server(name: "bench", destination: try Destination(parsing: "\(CurrentUser.name)@127.0.0.1:\(server.port)"),
                   identityFile: home.identityPath,
                   forwards: try ports.enumerated().map { index, port in
                       Forward(name: "fwd\(index + 1)", spec: try ForwardSpec(parsing: "\(port):127.0.0.1:\(echoPort)", kind: .local))
                   }),
        ])
        let store = try folder.write("store.json", document.jsonText, mode: 0o600)
        let engine = try EngineBench.RunningEngine(sluicePath: sluicePath, store: store, home: home.path)
        return try withExtendedLifetime(engine) { try idleCPU(of: ProcessUsage(pid: engine.process.pid), ports: ports, seconds: seconds) }
    }

    /// The same for `ssh -N` holding the same forwards.
    static func openSSHIdleCPU(server: SSHServer, home: ClientHome, echoPort: Int, forwards: Int = 20, seconds: Double = 10) throws -> Double {
        let ports = try freePorts(count: forwards, from: 24000)
        let process = try ChildProcess("/usr/bin/ssh", home.sshArguments(for: server) + ["-N", "-o", "ExitOnForwardFailure=yes"]
            + ports.flatMap { ["-L", "\($0):127.0.0.1:\(echoPort)"] } + ["\(CurrentUser.name)@127.0.0.1"], environment: home.environment)
        defer {
            process.signal(SIGTERM)
            process.wait()
        }
        return try idleCPU(of: ProcessUsage(pid: process.pid), ports: ports, seconds: seconds)
    }

    /// Waits until a byte goes through every forward (so the link is up and
    /// each forward live), lets the display settle, then measures.
    private static func idleCPU(of usage: ProcessUsage, ports: [Int], seconds: Double) throws -> Double {
        let deadline = Clock.now + 30
        for port in ports {
            while (try? LoadClient.roundTrips(port: port, count: 1)) == nil {
                guard Clock.now < deadline else { throw BenchError("forward on port \(port) did not come up within 30 s") }
                usleep(100_000)
            }
        }
        // Traffic rates on screen fall back to zero a second after the
        // last byte; the idle measurement starts after that.
        usleep(3_000_000)
        let before = usage.cpuSeconds
        let started = Clock.now
        usleep(useconds_t(seconds * 1_000_000))
        return (usage.cpuSeconds - before) / (Clock.now - started)
    }

    private static func terminalEnvironment(home: String) -> [String: String] {
        ["HOME": home, "PATH": "/usr/local/bin:/usr/bin:/bin", "TERM": "xterm-256color", "LANG": "C.UTF-8", "XDG_RUNTIME_DIR": home + "/run"]
    }

    /// `count` loopback ports that are free now, from `first` upwards
    /// (below the kernel's range for outgoing connections).
    private static func freePorts(count: Int, from first: Int) throws -> [Int] {
        var ports: [Int] = []
        var candidate = first
        while ports.count < count {
            guard candidate < 32768 else { throw BenchError("not enough free loopback ports from \(first)") }
            if LoopbackPort.isFree(candidate) { ports.append(candidate) }
            candidate += 1
        }
        return ports
    }
}
