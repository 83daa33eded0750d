import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

/// `sluice up` and `sluice forward` as processes, against a real sshd.
@Suite struct HeadlessTests {
    let sshd: SSHServer
    let home: ClientHome
    let logs: TemporaryDirectory

    init() throws {
        sshd = try SSHServer()
        home = try ClientHome(trusting: sshd)
        logs = try TemporaryDirectory()
    }

    var destination: String { "\(CurrentUser.name)@127.0.0.1:\(sshd.port)" }

    func start(_ arguments: [String]) throws -> ChildProcess {
        try ChildProcess(SluiceBinary.path, arguments, environment: home.environment.merging(["SLUICE_STORE": home.directory.file("store.json")]) { $1 },
                         stdout: logs.file("stdout"), stderr: logs.file("stderr"))
    }

    var stderr: String { (try? logs.read("stderr")) ?? "" }

    func waitForOutput(_ text: String, timeout: TimeInterval = 20) -> Bool {
        logs.waitUntil("stderr", contains: text, timeout: timeout)
    }

    @Test func upPrintsEachForwardAndCtrlCLetsAnOpenTransferFinish() throws {
        let echo = try TCPTestServer(mode: .echo)
        let port = try LoopbackPort.free()
        let store = Store(path: home.directory.file("store.json"))
        try store.update { document in
            try document.addServer(Server(name: "db", destination: try Destination(parsing: destination)))
            try document.addForward(try ForwardSpec(parsing: "\(port):127.0.0.1:\(echo.port)", kind: .local), to: "db", name: "echo")
            try document.addForward(try ForwardSpec(parsing: "1", kind: .dynamic), to: "db", enabled: false)
        }
        let sluice = try start(["up"])
        #expect(waitForOutput("Forwarding 127.0.0.1:\(port) -> 127.0.0.1:\(echo.port) via db\n"), "\(stderr)")

        // A transfer in flight when Ctrl+C comes: half before, half after.
        let transfer = HalfwayTransfer(port: port, bytes: 4 << 20, seed: 77)
        #expect(transfer.sendFirstHalf(timeout: 10))

        sluice.signal(SIGINT)
        #expect(waitForOutput("Closing listeners; letting open connections finish (up to 10 s"), "\(stderr)")
        // The message is printed as the stop is sent; the session thread
        // closes the listener a moment later.
        #expect(HalfwayTransfer.listenerCloses(port: port, within: 2), "the listener still accepts after Ctrl+C")
        let got = transfer.finish(timeout: 20) ?? []
        let firstDifference = zip(got.indices, zip(got, transfer.payload)).first { $0.1.0 != $0.1.1 }?.0
        #expect(got.count == transfer.payload.count && firstDifference == nil,
                "received \(got.count) of \(transfer.payload.count) bytes; first difference at \(firstDifference.map(String.init) ?? "-")\n\(stderr)")
        #expect(sluice.wait(timeout: 20) == 0, "\(stderr)")
        #expect(stderr.hasSuffix("Stopped.\n"), "\(stderr)")
        #expect(!stderr.contains("D1"), "a switched-off forward was brought up: \(stderr)")
    }

    @Test func aSecondCtrlCClosesOpenConnectionsAtOnce() throws {
        let echo = try TCPTestServer(mode: .echo)
        let port = try LoopbackPort.free()
        let sluice = try start(["forward", destination, "\(port):\(echo.port)", "--drain", "60"])
        #expect(waitForOutput("Forwarding 127.0.0.1:\(port) -> 127.0.0.1:\(echo.port) via \(destination)"), "\(stderr)")
        let fd = TCPTestClient.connect(port: port)
        defer { close(fd) }
        var byte: UInt8 = 7
        #expect(send(fd, &byte, 1, 0) == 1)
        #expect(recv(fd, &byte, 1, 0) == 1)
        sluice.signal(SIGINT)
        #expect(waitForOutput("letting open connections finish (up to 60 s"), "\(stderr)")
        sluice.signal(SIGINT)
        #expect(sluice.wait(timeout: 10) == 0, "\(stderr)")
        #expect(recv(fd, &byte, 1, 0) <= 0)
    }

    @Test func forwardRunsAdHocSOCKSAndSavesNothing() throws {
        let web = try HTTPTestServer()
        let socks = try LoopbackPort.free()
        let sluice = try start(["forward", destination, "-D", String(socks)])
        #expect(waitForOutput("SOCKS5 proxy on 127.0.0.1:\(socks) via \(destination)"), "\(stderr)")
        let page = try Command("/usr/bin/curl", ["-s", "--max-time", "10", "--socks5-hostname", "127.0.0.1:\(socks)", web.url(host: "localhost")]).run()
        #expect(page.stdout == web.page)
        sluice.signal(SIGTERM)
        #expect(sluice.wait(timeout: 10) == 0, "\(stderr)")
        #expect(!FileManager.default.fileExists(atPath: home.directory.file("store.json")))
    }

    /// Started with room for only 256 descriptors, as some systems start
    /// programs with 1,024, Sluice raises its soft limit to the hard one
    /// (at most 65,536), so bursts of connections are not refused.
    @Test func raisesItsOpenFileLimit() throws {
        var limit = rlimit()
        #expect(getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0)
        let expected = min(limit.rlim_max, 65536)
        try #require(expected > 256, "the hard limit here leaves nothing to raise")
        let port = try LoopbackPort.free()
        let sluice = try ChildProcess("/usr/bin/prlimit", ["--nofile=256:\(limit.rlim_max)", "--", SluiceBinary.path,
                                                         "forward", destination, "-L", "\(port):127.0.0.1:9"],
                                      environment: home.environment, stdout: logs.file("stdout"), stderr: logs.file("stderr"))
        #expect(waitForOutput("Forwarding 127.0.0.1:\(port)"), "\(stderr)")
        // prlimit execs sluice, so the pid is sluice's.
        let limits = try String(contentsOfFile: "/proc/\(sluice.pid)/limits", encoding: .utf8)
        let line = limits.split(separator: "\n").first { $0.hasPrefix("Max open files") } ?? ""
        let soft = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst(3).first.map(String.init)
        #expect(soft == String(expected), "\(line)")
        sluice.signal(SIGTERM)
        #expect(sluice.wait(timeout: 10) == 0, "\(stderr)")
    }

    /// The read-ahead under libssh (the one place Sluice replaces libc
    /// functions) can be switched off; the engine then carries traffic
    /// exactly as well through libssh's own reads.
    @Test func forwardsWorkWithTheReadAheadSwitchedOff() throws {
        let echo = try TCPTestServer(mode: .echo)
        let port = try LoopbackPort.free()
        let sluice = try ChildProcess(SluiceBinary.path, ["forward", destination, "-L", "\(port):127.0.0.1:\(echo.port)"],
                                      environment: home.environment.merging(["SLUICE_READ_AHEAD": "0"]) { $1 },
                                      stdout: logs.file("stdout"), stderr: logs.file("stderr"))
        #expect(waitForOutput("Forwarding 127.0.0.1:\(port)"), "\(stderr)")
        #expect(TCPTestClient.echo(port: port, bytes: 16 << 20, seed: 9).exact, "\(stderr)")
        sluice.signal(SIGTERM)
        #expect(sluice.wait(timeout: 20) == 0, "\(stderr)")
    }

    @Test func nothingComingUpExitsWithTheReason() throws {
        let unknownHome = try ClientHome(trusting: sshd, knowsHost: false)
        let result = try SluiceBinary.run(["forward", destination, "5432"], environment: unknownHome.environment, timeout: 30)
        #expect(result.status == 1)
        #expect(result.stderr.contains("the host key of [127.0.0.1]:\(sshd.port) is not known yet (ssh-ed25519 \(sshd.hostKeyFingerprint))"), "\(result.stderr)")
        #expect(result.stderr.hasSuffix("sluice: nothing could come up; see the reasons above\n"))

        let upWithNothing = try SluiceBinary.run(["up", "--exit-on-failure"], environment: home.environment.merging(["SLUICE_STORE": home.directory.file("empty.json")]) { $1 })
        #expect(upWithNothing.status == 1)
        #expect(upWithNothing.stderr.contains("nothing to bring up"))
    }
}

/// Bytes a reader thread collects, for the test thread to check.
final class ReceivedBytes: @unchecked Sendable {
    private let condition = NSCondition()
    private var data: [UInt8] = []
    private var ended = false

    func append(_ chunk: ArraySlice<UInt8>) {
        condition.lock()
        data += chunk
        condition.broadcast()
        condition.unlock()
    }

    var bytes: [UInt8] {
        condition.lock()
        defer { condition.unlock() }
        return data
    }

    func waitForCount(atLeast count: Int, timeout: TimeInterval) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date().addingTimeInterval(timeout)
        while data.count < count {
            if !condition.wait(until: deadline) { return false }
        }
        return true
    }

    func end() {
        condition.lock()
        ended = true
        condition.broadcast()
        condition.unlock()
    }

    /// Waits for the peer's EOF.
    func waitForEnd(timeout: TimeInterval) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date().addingTimeInterval(timeout)
        while !ended {
            if !condition.wait(until: deadline) { return false }
        }
        return true
    }
}

extension HeadlessTests {
    /// With SSH_AUTH_SOCK set, a key held only by the agent logs in.
    @Test func theAgentIsUsedWhenSSHAuthSockIsSet() throws {
        let agentFolder = try TemporaryDirectory()
        let socket = agentFolder.file("agent.sock")
        let agent = try ChildProcess("/usr/bin/ssh-agent", ["-D", "-a", socket])
        defer { agent.signal(SIGTERM); agent.wait() }
        for _ in 0..<100 where !FileManager.default.fileExists(atPath: socket) { usleep(20_000) }
        let add = try Command("/usr/bin/ssh-add", [home.identityPath], environment: ["SSH_AUTH_SOCK": socket]).run()
        #expect(add.status == 0, "\(add.stderr)")
        try FileManager.default.removeItem(atPath: home.identityPath)
        try FileManager.default.removeItem(atPath: home.identityPath + ".pub")
        let port = try LoopbackPort.free()
        let sluice = try ChildProcess(SluiceBinary.path, ["forward", destination, "-D", String(port)],
                                      environment: home.environment.merging(["SSH_AUTH_SOCK": socket]) { $1 },
                                      stderr: logs.file("stderr"))
        #expect(waitForOutput("SOCKS5 proxy on 127.0.0.1:\(port)"), "\(stderr)")
        sluice.signal(SIGTERM)
        #expect(sluice.wait(timeout: 10) == 0)
    }
}

extension HeadlessTests {
    /// sshd killed and restarted five times under a running `sluice forward`:
    /// each time every forward is back without a command, and the process's
    /// open files and threads do not grow.
    @Test func fiveServerRestartsLeakNeitherFilesNorThreads() throws {
        let echo = try TCPTestServer(mode: .echo)
        let local = try LoopbackPort.free()
        let socks = try LoopbackPort.free()
        let sluice = try start(["forward", destination, "-L", "\(local):127.0.0.1:\(echo.port)", "-D", String(socks),
                                "-R", "0:127.0.0.1:\(echo.port)", "--keepalive", "2"])
        #expect(waitForOutput("SOCKS5 proxy on 127.0.0.1:\(socks)"), "\(stderr)")
        func count(_ folder: String) -> Int {
            ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(sluice.pid)/\(folder)")) ?? []).count
        }
        var files: [Int] = []
        var threads: [Int] = []
        for round in 1...5 {
            sshd.stop()
            #expect(waitForOutput("reconnecting (attempt 1", timeout: 20), "round \(round): \(stderr)")
            try sshd.start()
            let deadline = Date().addingTimeInterval(20)
            var back = false
            while !back && Date() < deadline {
                back = TCPTestClient.echo(port: local, bytes: 100_000, seed: UInt64(round), timeout: 5).exact
                if !back { usleep(100_000) }
            }
            #expect(back, "round \(round): \(stderr)")
            files.append(count("fd"))
            threads.append(count("task"))
        }
        #expect(stderr.components(separatedBy: "connected again").count - 1 == 5, "\(stderr)")
        #expect(files.max()! - files.min()! <= 1, "open files per round: \(files)")
        #expect(threads.max()! - threads.min()! <= 1, "threads per round: \(threads)")
        sluice.signal(SIGTERM)
        #expect(sluice.wait(timeout: 10) == 0)
    }
}

extension HeadlessTests {
    /// A SOCKS client's host name is the client's text: full of escape
    /// sequences, it is refused and shown defused, never raw on stderr.
    @Test func aHostileSOCKSHostNameNeverReachesTheTerminal() throws {
        let socks = try LoopbackPort.free()
        let sluice = try start(["forward", destination, "-D", String(socks)])
        #expect(waitForOutput("SOCKS5 proxy on 127.0.0.1:\(socks)"), "\(stderr)")
        let fd = TCPTestClient.connect(port: socks)
        defer { close(fd) }
        let name = Array("\u{1B}]2;PWNED\u{07}\u{1B}[2J.example".utf8)
        let request: [UInt8] = [5, 1, 0] + [5, 1, 0, 3, UInt8(name.count)] + name + [0, 80]
        #expect(request.withUnsafeBytes { TCPTestClient.sendAll(fd, $0) })
        var reply = [UInt8](repeating: 0, count: 12)
        _ = recv(fd, &reply, reply.count, Int32(MSG_WAITALL))
        // The method choice [5, 0], then the refusal: host unreachable (4).
        #expect(Array(reply.prefix(4)) == [5, 0, 5, 4], "SOCKS5 replies \(reply)")
        #expect(waitForOutput("a host name that is not one ('^[]2;PWNED^G^[[2J.example')"), "\(stderr)")
        sluice.signal(SIGTERM)
        #expect(sluice.wait(timeout: 10) == 0, "\(stderr)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: logs.file("stderr")))
        #expect(!bytes.contains(0x1B), "an ESC reached stderr")
    }
}
