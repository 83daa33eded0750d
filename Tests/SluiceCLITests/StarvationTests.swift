import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

/// Crowds of idle clients against a running `sluice`: it pauses accepting
/// instead of spinning or starving its other forwards, says so, and
/// recovers when the crowd leaves.
@Suite struct StarvationTests {
    let sshd: SSHServer
    let home: ClientHome
    let logs: TemporaryDirectory

    init() throws {
        sshd = try SSHServer()
        home = try ClientHome(trusting: sshd)
        logs = try TemporaryDirectory()
    }

    var destination: String { "\(CurrentUser.name)@127.0.0.1:\(sshd.port)" }
    var stderr: String { (try? logs.read("stderr")) ?? "" }

    func waitForOutput(_ text: String, timeout: TimeInterval = 60) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if stderr.contains(text) { return true }
            usleep(50_000)
        }
        return false
    }

    /// Sluice's CPU seconds over `seconds` of wall time.
    static func cpu(of pid: pid_t, over seconds: UInt32) -> Double {
        let before = ProcessInspection.cpuSeconds(of: pid) ?? 0
        sleep(seconds)
        return (ProcessInspection.cpuSeconds(of: pid) ?? 0) - before
    }

    /// Started with room for 192 descriptors, well below one forward's
    /// limit, `sluice forward` runs out of descriptors under a crowd on its
    /// -L port: both listeners pause (saying why) and nothing spins, the
    /// open connection and the session keep working, -R connections use
    /// the descriptors kept in reserve and then fail saying why, and all
    /// of it recovers when the crowd leaves.
    @Test func runningOutOfDescriptorsPausesAcceptingAndRecovers() throws {
        let echo = try TCPTestServer(mode: .echo)
        let web = try HTTPTestServer()
        let socks = try LoopbackPort.free()
        let local = try LoopbackPort.free()
        let remote = try LoopbackPort.free()
        let sluice = try ChildProcess("/usr/bin/prlimit", ["--nofile=192:192", "--", SluiceBinary.path, "forward", destination,
                                                         "-L", "\(local):127.0.0.1:\(echo.port)", "-D", String(socks),
                                                         "-R", "\(remote):127.0.0.1:\(echo.port)"],
                                      environment: home.environment, stderr: logs.file("stderr"))
        defer { sluice.signal(SIGTERM); sluice.wait() }
        try #require(waitForOutput("SOCKS5 proxy on 127.0.0.1:\(socks)"), "\(stderr)")
        try #require(waitForOutput("Forwarding 127.0.0.1:\(remote) on"), "\(stderr)")

        // Open before the crowd comes, and carried while it stays.
        let steady = TCPTestClient.connect(port: local, timeout: 30)
        defer { close(steady) }
        #expect(Self.echoes(steady, 1))

        var localCrowd: IdleClients? = try IdleClients(port: local, count: 400)
        let shortage = "accepting paused: out of file descriptors ("
        #expect(waitForOutput("\(destination)/L\(local): \(shortage)"), "\(stderr)")
        // A client of the other listener now waits too.
        var socksCrowd: IdleClients? = try IdleClients(port: socks, count: 1)
        #expect(waitForOutput("\(destination)/D\(socks): \(shortage)"), "\(stderr)")
        #expect(stderr.contains(", limit 192)"), "\(stderr)")
        #expect(Self.echoes(steady, 2), "\(stderr)")

        // -R connections take the descriptors listeners left free, until
        // none is left.
        var reverse: [Int32] = []
        defer { reverse.forEach { close($0) } }
        var carried = 0
        for index in 0..<40 {
            let fd = TCPTestClient.connect(port: remote, timeout: 10)
            reverse.append(fd)
            if Self.echoes(fd, UInt8(index)) { carried += 1 }
        }
        #expect(carried >= 8 && carried < 40, "\(carried) of 40 -R connections carried")
        #expect(waitForOutput("\(destination)/R\(remote): cannot reach 127.0.0.1:\(echo.port) on this machine: out of file descriptors (192 open, limit 192)"),
                "\(stderr)")

        // Out of descriptors, with clients waiting on both ports: idle.
        let used = Self.cpu(of: sluice.pid, over: 5)
        print("StarvationTests: out of descriptors, sluice used \(String(format: "%.2f", used)) s of CPU in 5 s")
        #expect(used < 1, "sluice used \(used) s of CPU in 5 s")
        #expect(Self.echoes(steady, 3), "\(stderr)")

        // The crowd and the -R clients leave: everything works again.
        localCrowd = nil
        socksCrowd = nil
        reverse.forEach { close($0) }
        reverse = []
        #expect(waitForOutput("\(destination)/L\(local): accepting again"), "\(stderr)")
        #expect(waitForOutput("\(destination)/D\(socks): accepting again"), "\(stderr)")
        #expect(TCPTestClient.echo(port: local, bytes: 1 << 20, seed: 7, timeout: 30).exact, "\(stderr)")
        #expect(TCPTestClient.echo(port: remote, bytes: 1 << 20, seed: 8, timeout: 30).exact, "\(stderr)")
        let page = try Command("/usr/bin/curl", ["-s", "-S", "--max-time", "20", "--noproxy", "", "--socks5-hostname", "127.0.0.1:\(socks)",
                                                 web.url(host: "localhost")]).run()
        #expect(page.stdout == web.page, "curl: \(page.status) \(page.stderr)\n\(stderr)")
        withExtendedLifetime((localCrowd, socksCrowd)) {}
    }

    static func echoes(_ fd: Int32, _ value: UInt8) -> Bool {
        guard fd >= 0 else { return false }
        var byte = value
        guard send(fd, &byte, 1, Int32(MSG_NOSIGNAL)) == 1 else { return false }
        byte = 0
        return recv(fd, &byte, 1, 0) == 1 && byte == value
    }
}
