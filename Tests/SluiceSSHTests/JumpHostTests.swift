import Foundation
import SluiceCore
import SluiceSSH
import SluiceTestSupport
import Testing

/// Jump hosts run natively: chained libssh sessions, no `ssh` binary, no
/// shell. Each sshd is private, on its own loopback address, and each jump
/// host may open connections only to the next one.
@Suite struct JumpHostTests {
    func curl(_ arguments: [String]) throws -> Command.Result {
        try Command("/usr/bin/curl", ["-s", "-S", "--max-time", "10", "--noproxy", ""] + arguments, environment: ["PATH": "/usr/bin:/bin"]).run()
    }

    @Test func oneJumpHostCarriesLocalDynamicAndReverseForwardsByteExact() throws {
        let fixture = try JumpFixture()
        let echo = try TCPTestServer(mode: .echo)
        let web = try HTTPTestServer(address: "127.0.0.1")
        let local = try LoopbackPort.free()
        let socks = try LoopbackPort.free()
        fixture.engine.apply([try fixture.server(forwards: [
            try EngineFixture.forward("echo", "-L \(local):127.0.0.1:\(echo.port)"),
            try EngineFixture.forward("socks", "-D \(socks)"),
            try EngineFixture.forward("hook", "-R 0:127.0.0.1:\(echo.port)"),
        ])])
        for name in ["echo", "socks", "hook"] { #expect(fixture.waitForState(name, .up), "\(fixture.dump)") }

        #expect(TCPTestClient.echo(port: local, bytes: 64 << 20, seed: 31) == TCPTestClient.EchoResult(matched: 64 << 20, exact: true),
                "\(fixture.dump)")
        let fetched = try curl(["--socks5-hostname", "127.0.0.1:\(socks)", web.url(host: "localhost")])
        #expect(fetched.stdout == web.page, "\(fetched.stderr)\n\(fixture.dump)")
        let remotePort = try #require(Int(fixture.status("hook")?.listening?.split(separator: ":").last ?? ""))
        #expect(TCPTestClient.echo(port: remotePort, bytes: 4 << 20, seed: 32).exact, "\(fixture.dump)")

        #expect(fixture.relayed(fixture.jumpHosts[0], to: fixture.target), "\(fixture.dump)")
        #expect(fixture.engine.board.server(named: "db")?.route == "via \(fixture.chain.chain)")
    }

    @Test func twoJumpHostsInARow() throws {
        let fixture = try JumpFixture(jumps: 2)
        let echo = try TCPTestServer(mode: .echo)
        let local = try LoopbackPort.free()
        fixture.engine.apply([try fixture.server(forwards: [try EngineFixture.forward("echo", "-L \(local):127.0.0.1:\(echo.port)")])])
        #expect(fixture.waitForState("echo", .up), "\(fixture.dump)")
        #expect(TCPTestClient.echo(port: local, bytes: 16 << 20, seed: 33).exact, "\(fixture.dump)")
        #expect(fixture.relayed(fixture.hosts[0], to: fixture.hosts[1]), "\(fixture.dump)")
        #expect(fixture.relayed(fixture.hosts[1], to: fixture.hosts[2]), "\(fixture.dump)")
        let route = fixture.engine.board.server(named: "db")?.route
        #expect(route == "via \(fixture.destination(fixture.hosts[0])), \(fixture.destination(fixture.hosts[1]))")
    }

    @Test func theChainIsRebuiltAfterTheJumpHostRestarts() throws {
        let fixture = try JumpFixture(tuning: LinkTuning(keepaliveInterval: 2, keepaliveCountMax: 2, reconnectInitial: 0.2, connectTimeout: 5))
        let echo = try TCPTestServer(mode: .echo)
        let local = try LoopbackPort.free()
        fixture.engine.apply([try fixture.server(forwards: [try EngineFixture.forward("echo", "-L \(local):127.0.0.1:\(echo.port)")])])
        #expect(fixture.waitForState("echo", .up), "\(fixture.dump)")
        #expect(TCPTestClient.echo(port: local, bytes: 1 << 20, seed: 34).exact)

        try fixture.jumpHosts[0].restart()
        // Noticed, and told as the jump host's loss, not as a mystery.
        #expect(fixture.waitUntil { servers in
            guard case .reconnecting? = servers.first?.link else { return false }
            return servers.first?.lastError?.contains("jump host") == true
        }, "\(fixture.dump)")
        #expect(fixture.waitUntil { servers in servers.first?.link == .connected }, "\(fixture.dump)")
        #expect(fixture.waitForState("echo", .up), "\(fixture.dump)")
        #expect(TCPTestClient.echo(port: local, bytes: 8 << 20, seed: 35).exact, "\(fixture.dump)")
    }

    @Test func anUnknownJumpHostKeyIsAskedAboutNamingTheJumpHostAndSaved() throws {
        let fixture = try JumpFixture(knowsHosts: false, prompter: ScriptedPrompter { _ in .acceptAndSaveHostKey })
        try fixture.trust([fixture.target])
        let jump = fixture.jumpHosts[0]
        fixture.engine.apply([try fixture.server(forwards: [try EngineFixture.forward("socks", "-D \(try LoopbackPort.free())")])])
        #expect(fixture.waitForState("socks", .up), "\(fixture.dump)")
        #expect(fixture.prompter.prompts == [.unknownHostKey(host: "[127.0.0.1]:\(jump.port) (jump host \(fixture.destination(jump)))",
                                                            keyType: "ssh-ed25519", fingerprint: jump.hostKeyFingerprint)])
        #expect(try String(contentsOfFile: fixture.home.knownHostsPath, encoding: .utf8).contains("[127.0.0.1]:\(jump.port) ssh-ed25519 "))
    }

    @Test func aChangedJumpHostKeyIsRefusedNamingTheJumpHost() throws {
        let fixture = try JumpFixture(knowsHosts: false, prompter: ScriptedPrompter { _ in .acceptAndSaveHostKey })
        let jump = fixture.jumpHosts[0]
        let impostor = try SSHServer()
        try (impostor.knownHostsLine.replacingOccurrences(of: ":\(impostor.port) ", with: ":\(jump.port) ") + "\n"
             + fixture.target.knownHostsLine + "\n").write(toFile: fixture.home.knownHostsPath, atomically: true, encoding: .utf8)
        fixture.engine.apply([try fixture.server(forwards: [try EngineFixture.forward("socks", "-D \(try LoopbackPort.free())")])])
        let error = try #require(fixture.failure(), "\(fixture.dump)")
        #expect(error.hasPrefix("jump host \(fixture.destination(jump)): the host key of [127.0.0.1]:\(jump.port) has CHANGED"), "\(error)")
        #expect(error.contains("\(fixture.home.knownHostsPath) line 1"), "\(error)")
        #expect(fixture.prompter.prompts.isEmpty, "a changed key must never be offered for acceptance")
    }

    @Test func aJumpHostThatMayNotForwardSaysSo() throws {
        let fixture = try JumpFixture(jumpConfig: ["PermitOpen 127.0.0.9:1"])
        fixture.engine.apply([try fixture.server(forwards: [try EngineFixture.forward("socks", "-D \(try LoopbackPort.free())")])])
        #expect(fixture.waitUntil { servers in servers.first?.lastError?.contains("refused to connect on") == true }, "\(fixture.dump)")
        let error = fixture.engine.board.server(named: "db")?.lastError ?? ""
        #expect(error == "jump host \(fixture.destination(fixture.jumpHosts[0])) refused to connect on to 127.0.0.2:\(fixture.target.port) "
            + "(its sshd forbids it: AllowTcpForwarding or PermitOpen)", "\(error)")
    }

    @Test func proxyJumpFromTheSSHConfigIsFollowedNatively() throws {
        let fixture = try JumpFixture()
        let jump = fixture.jumpHosts[0]
        try fixture.home.directory.write(".ssh/config", """
            Host inner
                HostName \(fixture.target.address)
                Port \(fixture.target.port)
                User \(CurrentUser.name)
                ProxyJump bastion
            Host bastion
                HostName 127.0.0.1
                Port \(jump.port)
                User \(CurrentUser.name)
            """)
        let echo = try TCPTestServer(mode: .echo)
        let local = try LoopbackPort.free()
        fixture.engine.apply([Server(name: "db", destination: try Destination(parsing: "inner"),
                                     forwards: [try EngineFixture.forward("echo", "-L \(local):127.0.0.1:\(echo.port)")])])
        #expect(fixture.waitForState("echo", .up), "\(fixture.dump)")
        #expect(TCPTestClient.echo(port: local, bytes: 1 << 20, seed: 36).exact)
        #expect(fixture.relayed(jump, to: fixture.target), "\(fixture.dump)")
        #expect(fixture.engine.board.server(named: "db")?.route == "via bastion")
    }

    /// A jump host string reaches no shell and no option parser: it is a
    /// destination or it is refused.
    @Test(arguments: ["b$(touch${IFS}PWNED)", "-oProxyCommand=touch PWNED", "a,,b"])
    func aJumpHostThatIsNotADestinationIsRefused(_ jump: String) throws {
        let folder = try TemporaryDirectory()
        let fixture = try JumpFixture()
        let hostile = jump.replacingOccurrences(of: "PWNED", with: folder.file("PWNED"))
        var server = try fixture.server(forwards: [try EngineFixture.forward("socks", "-D \(try LoopbackPort.free())")])
        server.jumpHost = hostile
        fixture.engine.apply([server])
        let error = try #require(fixture.failure(), "\(fixture.dump)")
        #expect(error.contains("jump host") || error.contains("HostName"), "\(error)")
        #expect(!FileManager.default.fileExists(atPath: folder.file("PWNED")))
    }
}
