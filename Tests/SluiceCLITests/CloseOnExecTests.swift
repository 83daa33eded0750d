import Foundation
import SluiceTestSupport
import Testing

/// No child started by anything in the process (a ProxyCommand, a helper)
/// may inherit a descriptor `sluice` holds: every one is close-on-exec.
@Suite struct CloseOnExecTests {
    /// `sluice forward` with -L, -D and -R in a terminal: first while it asks
    /// about the host key on /dev/tty, then with a connection open through
    /// each forward.
    @Test func everyDescriptorOfARunningSluiceIsCloseOnExec() throws {
        let sshd = try SSHServer()
        let home = try ClientHome(trusting: sshd, knowsHost: false)
        let echo = try TCPTestServer(mode: .echo)
        let local = try LoopbackPort.free()
        let socks = try LoopbackPort.free()
        let remote = try LoopbackPort.free()
        let terminal = try TmuxSession(SluiceBinary.path, [
            "forward", "\(CurrentUser.name)@127.0.0.1:\(sshd.port)",
            "-L", "\(local):127.0.0.1:\(echo.port)", "-D", String(socks), "-R", "\(remote):127.0.0.1:\(echo.port)",
        ], environment: home.environment.merging(["TERM": "xterm-256color"]) { $1 })
        let asked = terminal.waitFor("Trust it?")
        try #require(asked.matched, "\(asked.screen)\n\(terminal.stderr)")
        let pid = try #require(terminal.processes.first { Self.command(of: $0) == "sluice" }, "no sluice process in the terminal: \(terminal.processes.map { "\($0) \(Self.command(of: $0) ?? "?")" })")

        // While asking: the terminal it asks on, the engine's pipes, and
        // the session socket, which libssh makes and Sluice marks as soon
        // as it is connected. libssh keeps that one blocking.
        let sessionSockets = ProcessInspection.tcpSocketInodes(remotePort: sshd.port)
        #expect(!sessionSockets.isEmpty)
        let asking = ProcessInspection.descriptors(of: pid)
        #expect(asking.contains { $0.target == "/dev/tty" }, "the prompt's /dev/tty is not open: \(asking)")
        Self.expectCloseOnExec(asking)

        try terminal.type("once")
        try terminal.press("Enter")
        let up = terminal.waitForScreen { _ in terminal.stderr.contains("Forwarding 127.0.0.1:\(remote) on") }
        try #require(up.matched, "\(up.screen)\n\(terminal.stderr)")

        // One connection through each forward, held open while looking.
        let throughLocal = TCPTestClient.connect(port: local)
        defer { close(throughLocal) }
        #expect(Self.echoesOneByte(throughLocal))
        let throughSOCKS = TCPTestClient.connect(port: socks)
        defer { close(throughSOCKS) }
        let request: [UInt8] = [5, 1, 0, 1, 127, 0, 0, 1, UInt8(echo.port >> 8), UInt8(echo.port & 0xFF)]
        _ = [UInt8]([5, 1, 0]).withUnsafeBytes { TCPTestClient.sendAll(throughSOCKS, $0) }
        #expect(TCPTestClient.receive(throughSOCKS, count: 2) == [5, 0])
        _ = request.withUnsafeBytes { TCPTestClient.sendAll(throughSOCKS, $0) }
        #expect(TCPTestClient.receive(throughSOCKS, count: 10) == [5, 0, 0, 1, 0, 0, 0, 0, 0, 0])
        #expect(Self.echoesOneByte(throughSOCKS))
        let throughRemote = TCPTestClient.connect(port: remote)
        defer { close(throughRemote) }
        #expect(Self.echoesOneByte(throughRemote))

        let running = ProcessInspection.descriptors(of: pid)
        let sockets = running.filter { $0.isSocket && !sessionSockets.contains($0.inode ?? "") }
        // Two listeners, two accepted sockets, one -R socket connected here.
        #expect(sockets.count >= 5, "\(running)")
        Self.expectCloseOnExec(running)
        for descriptor in running where (descriptor.isSocket || descriptor.isPipe) && !sessionSockets.contains(descriptor.inode ?? "") {
            #expect(descriptor.isNonBlocking, "blocking: \(descriptor)")
        }
    }

    /// `sluice port-forward`, whose descriptors swift-nio opens (sockets,
    /// epoll, eventfd, timerfd), with a connection open through it. Started
    /// in tmux, as above, so that it inherits nothing from the test.
    @Test func everyDescriptorOfAPortForwardIsCloseOnExec() throws {
        let agent = try StandInAgent()
        let echo = try TCPTestServer(mode: .echo)
        let home = try TemporaryDirectory(prefix: "sluice-cloexec")
        let token = try home.write("token", "t0ken\n", mode: 0o600)
        let local = try LoopbackPort.free()
        let terminal = try TmuxSession(SluiceBinary.path, [
            "port-forward", "my-app/db", "\(local):\(echo.port)", "--node", "127.0.0.1:\(agent.port)", "--token-file", token,
        ], environment: ["HOME": home.path, "TERM": "xterm-256color"])
        let up = terminal.waitForScreen { _ in terminal.stderr.contains("Forwarding 127.0.0.1:\(local)") }
        try #require(up.matched, "\(up.screen)\n\(terminal.stderr)")
        let pid = try #require(terminal.processes.first { Self.command(of: $0) == "sluice" }, "no sluice process in the terminal: \(terminal.processes.map { "\($0) \(Self.command(of: $0) ?? "?")" })")
        let through = TCPTestClient.connect(port: local)
        defer { close(through) }
        #expect(Self.echoesOneByte(through))

        let running = ProcessInspection.descriptors(of: pid)
        // The listener, the accepted client, its WebSocket, the pool's.
        #expect(running.filter(\.isSocket).count >= 3, "\(running)")
        Self.expectCloseOnExec(running)
    }

    static func expectCloseOnExec(_ descriptors: [ProcessInspection.Descriptor], sourceLocation: SourceLocation = #_sourceLocation) {
        for descriptor in descriptors where descriptor.fd > 2 {
            #expect(descriptor.isCloseOnExec, "not close-on-exec: \(descriptor)", sourceLocation: sourceLocation)
        }
    }

    static func command(of pid: pid_t) -> String? {
        (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func echoesOneByte(_ fd: Int32) -> Bool {
        var byte: UInt8 = 42
        guard send(fd, &byte, 1, 0) == 1 else { return false }
        byte = 0
        return recv(fd, &byte, 1, 0) == 1 && byte == 42
    }
}
