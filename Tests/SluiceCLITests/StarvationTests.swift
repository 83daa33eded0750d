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
    /// Descriptors this process, and each child it starts, may hold, after
    /// raising its own limit.
    let descriptorLimit: Int

    init() throws {
        // Raised before the sshd starts, so it (and sluice) inherit room for
        // thousands of channels' sockets too.
        descriptorLimit = Self.raiseOwnDescriptorLimit(to: 40_000)
        sshd = try SSHServer()
        home = try ClientHome(trusting: sshd)
        logs = try TemporaryDirectory()
    }

    var destination: String { "\(CurrentUser.name)@127.0.0.1:\(sshd.port)" }
    var stderr: String { (try? logs.read("stderr")) ?? "" }

    func waitForOutput(_ text: String, timeout: TimeInterval = 60) -> Bool {
        logs.waitUntil("stderr", contains: text, timeout: timeout)
    }

    /// Sluice's CPU seconds over `seconds` of wall time.
    static func cpu(of pid: pid_t, over seconds: UInt32) -> Double {
        let before = ProcessInspection.cpuSeconds(of: pid) ?? 0
        sleep(seconds)
        return (ProcessInspection.cpuSeconds(of: pid) ?? 0) - before
    }

    /// 20,000 idle clients, half on a -D and half on a -L port of `sluice
    /// up`: each forward stops at its limit (2,048) and says so, Sluice
    /// stays near idle, the -R forward beside them carries data, the
    /// clients -D took are closed after the SOCKS timeout, and once the
    /// crowd leaves both ports serve again.
    @Test func twentyThousandIdleClientsPauseAcceptingWithoutStarvingOrSpinning() throws {
        let echo = try TCPTestServer(mode: .echo)
        let web = try HTTPTestServer()
        let socks = try LoopbackPort.free()
        let local = try LoopbackPort.free()
        let remote = try LoopbackPort.free()
        try Store(path: home.directory.file("store.json")).update { document in
            try document.addServer(Server(name: "db", destination: try Destination(parsing: destination)))
            try document.addForward(try ForwardSpec(parsing: String(socks), kind: .dynamic), to: "db", name: "socks")
            try document.addForward(try ForwardSpec(parsing: "\(local):127.0.0.1:\(echo.port)", kind: .local), to: "db", name: "echo")
            try document.addForward(try ForwardSpec(parsing: "\(remote):127.0.0.1:\(echo.port)", kind: .reverse), to: "db", name: "back")
        }
        let sluice = try ChildProcess(SluiceBinary.path, ["up"],
                                      environment: home.environment.merging(["SLUICE_STORE": home.directory.file("store.json")]) { $1 },
                                      stderr: logs.file("stderr"))
        defer { sluice.signal(SIGTERM); sluice.wait() }
        try #require(waitForOutput("Forwarding 127.0.0.1:\(remote) on db"), "\(stderr)")
        try #require(waitForOutput("SOCKS5 proxy on 127.0.0.1:\(socks)"), "\(stderr)")
        let baselineFiles = ProcessInspection.descriptors(of: sluice.pid).count

        // A client that greets and then never asks: closed after 5 s.
        let halfOpen = TCPTestClient.connect(port: socks, timeout: 30)
        defer { close(halfOpen) }
        _ = [UInt8]([5, 1, 0]).withUnsafeBytes { TCPTestClient.sendAll(halfOpen, $0) }
        var reply = [UInt8](repeating: 0, count: 2)
        #expect(recv(halfOpen, &reply, 2, Int32(MSG_WAITALL)) == 2 && reply == [5, 0])

        // The crowd: 20,000, in two processes of their own (IdleClients),
        // each under the limit this process passes on to its children.
        let perPort = min(10_000, descriptorLimit - 64)
        if perPort < 10_000 { print("StarvationTests: descriptor limit \(descriptorLimit); \(perPort) idle clients per port instead of 10,000") }
        try #require(perPort > 3_072, "a descriptor limit of \(descriptorLimit) leaves too few clients to fill a forward and its queue")
        var socksCrowd: IdleClients? = try IdleClients(port: socks, count: perPort)
        var localCrowd: IdleClients? = try IdleClients(port: local, count: perPort)
        let paused = "accepting paused: 2,048 connections open, the most one forward takes"
        #expect(waitForOutput("db/socks: \(paused)"), "\(stderr)")
        #expect(waitForOutput("db/echo: \(paused)"), "\(stderr)")
        #expect(recv(halfOpen, &reply, 1, 0) == 0, "the half-open SOCKS client was not closed")

        let seconds: UInt32 = 10
        let used = Self.cpu(of: sluice.pid, over: seconds)
        let files = ProcessInspection.descriptors(of: sluice.pid).count
        print("StarvationTests: sluice used \(String(format: "%.2f", used)) s of CPU in \(seconds) s with \(2 * perPort) idle clients (\(files) descriptors open)")
        // A loop spinning on accept() would use all 10 s; closing and
        // taking 2,048 SOCKS clients every 5 s (with 4,096 sockets polled
        // each turn, in a debug build) takes about one.
        #expect(used < 2.5, "sluice used \(used) s of CPU in \(seconds) s")
        #expect(files < 2 * 2048 + baselineFiles + 16, "\(files) descriptors open")

        // The third forward carries data byte-exact meanwhile, and the
        // -D clients that were taken were closed after their 5 s.
        #expect(TCPTestClient.echo(port: remote, bytes: 1 << 20, seed: 5, timeout: 30).exact, "\(stderr)")
        #expect((socksCrowd?.closedByPeer ?? 0) >= 2048)
        #expect(stderr.contains("db/socks: a client of the SOCKS port sent nothing for 5 s after connecting"), "\(stderr)")

        // The crowd leaves: both forwards accept again and serve.
        socksCrowd = nil
        localCrowd = nil
        #expect(waitForOutput("db/socks: accepting again"), "\(stderr)")
        #expect(waitForOutput("db/echo: accepting again"), "\(stderr)")
        let page = try Command("/usr/bin/curl", ["-s", "-S", "--max-time", "20", "--noproxy", "", "--socks5-hostname", "127.0.0.1:\(socks)",
                                                 web.url(host: "localhost")]).run()
        #expect(page.stdout == web.page, "curl: \(page.status) \(page.stderr)\n\(stderr)")
        #expect(TCPTestClient.echo(port: local, bytes: 1 << 20, seed: 6, timeout: 30).exact, "\(stderr)")
        // Every connection of the crowd was let go.
        let deadline = Date().addingTimeInterval(30)
        while ProcessInspection.descriptors(of: sluice.pid).count > baselineFiles + 4 && Date() < deadline { usleep(100_000) }
        #expect(ProcessInspection.descriptors(of: sluice.pid).count <= baselineFiles + 4)
        withExtendedLifetime((socksCrowd, localCrowd)) {}
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
        var missed: [String] = []
        for index in 0..<40 {
            let started = Date()
            let fd = TCPTestClient.connect(port: remote, timeout: 10)
            reverse.append(fd)
            if Self.echoes(fd, UInt8(index)) {
                carried += 1
            } else {
                missed.append("#\(index) \(fd < 0 ? "not connected" : "no echo") after \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
            }
        }
        // What each missed one met, and what sluice's descriptors are, for
        // a failure to be read from the log.
        let descriptors = carried >= 8 ? "" : Self.descriptorSummary(of: sluice.pid, echoPort: echo.port)
        #expect(carried >= 8 && carried < 40, "\(carried) of 40 -R connections carried (\(missed.prefix(5).joined(separator: ", ")))\nsluice's descriptors: \(descriptors)\n\(stderr)")
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

    /// Started with too few descriptors to run at all, `sluice forward`
    /// says what it ran out of and exits 1, whatever the first thing to
    /// fail is (its wake-up pipe, a session's, the listener, the config),
    /// and never crashes. Below 4 the dynamic loader itself fails.
    @Test func tooFewDescriptorsToStartIsSaidNotCrashedOn() throws {
        let closed = try ClosedPort()
        let local = try LoopbackPort.free()
        for limit in 4...24 {
            let result = try Command("/usr/bin/prlimit", ["--nofile=\(limit):\(limit)", "--", SluiceBinary.path, "forward",
                                                          "\(CurrentUser.name)@127.0.0.1:\(closed.port)", "-L", "\(local):127.0.0.1:1"],
                                     environment: home.environment, timeout: 30).run()
            let said = result.stderr.localizedCaseInsensitiveContains("too many open files") || result.stderr.contains("connection refused")
            #expect(result.status == 1 && said && !result.stderr.contains("Fatal error")
                        && !result.stderr.contains("Precondition failed") && result.stderr.contains("sluice: "),
                    "limit \(limit): status \(result.status)\n\(result.stderr)")
        }
    }

    /// How many descriptors `pid` holds, of which kinds, how many are
    /// connections to the echo service (-R targets), and the rest by name.
    static func descriptorSummary(of pid: pid_t, echoPort: Int) -> String {
        let held = ProcessInspection.descriptors(of: pid)
        let toEcho = ProcessInspection.tcpSocketInodes(remotePort: echoPort)
        let sockets = held.filter(\.isSocket)
        let others = held.filter { !$0.isSocket }.map { "\($0.fd) \($0.target)" }
        return "\(held.count) open, highest \(held.last?.fd ?? -1); \(sockets.count) sockets, "
            + "\(sockets.filter { $0.inode.map(toEcho.contains) ?? false }.count) of them to the echo service; others: \(others.joined(separator: ", "))"
    }

    static func echoes(_ fd: Int32, _ value: UInt8) -> Bool {
        guard fd >= 0 else { return false }
        var byte = value
        guard send(fd, &byte, 1, Int32(MSG_NOSIGNAL)) == 1 else { return false }
        byte = 0
        return recv(fd, &byte, 1, 0) == 1 && byte == value
    }

    /// Raises this process's descriptor limit (root may raise the hard one
    /// too); returns the soft limit it has now.
    static func raiseOwnDescriptorLimit(to wanted: Int) -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        if limit.rlim_cur >= rlim_t(wanted) { return Int(min(limit.rlim_cur, rlim_t(Int32.max))) }
        var raised = rlimit(rlim_cur: rlim_t(wanted), rlim_max: max(rlim_t(wanted), limit.rlim_max))
        if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { return wanted }
        raised = rlimit(rlim_cur: limit.rlim_max, rlim_max: limit.rlim_max)
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised)
        return Int(min(raised.rlim_cur, rlim_t(Int32.max)))
    }
}
