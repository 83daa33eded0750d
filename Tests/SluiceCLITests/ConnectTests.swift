import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

/// How `sluice forward` reaches servers, as a process: through jump hosts
/// with no `ssh` binary anywhere, and by the user's ssh config under HOME.
@Suite struct ConnectTests {
    let logs: TemporaryDirectory

    init() throws {
        logs = try TemporaryDirectory()
    }

    var stderr: String { (try? logs.read("stderr")) ?? "" }

    func waitForOutput(_ text: String, timeout: TimeInterval = 20) -> Bool {
        logs.waitUntil("stderr", contains: text, timeout: timeout)
    }

    func start(_ arguments: [String], environment: [String: String]) throws -> ChildProcess {
        try ChildProcess(SluiceBinary.path, arguments, environment: environment, stdout: logs.file("stdout"), stderr: logs.file("stderr"))
    }

    /// -L, -R and -D through a jump host, with no ssh (nor anything else)
    /// to be found on PATH: Sluice runs the chain itself. The chain is built
    /// again after the jump host's sshd restarts.
    @Test func aJumpHostNeedsNoSSHBinary() throws {
        let chain = try SSHChain()
        let echo = try TCPTestServer(mode: .echo)
        let web = try HTTPTestServer(address: "127.0.0.1")
        let local = try LoopbackPort.free()
        let socks = try LoopbackPort.free()
        let environment = chain.home.environment.merging(["PATH": "/nonexistent"]) { $1 }
        let sluice = try start(["forward", chain.destination(chain.target), "--jump", chain.chain, "--keepalive", "2", "--keepalive-count", "2",
                                "-L", "\(local):127.0.0.1:\(echo.port)", "-D", String(socks), "-R", "0:127.0.0.1:\(echo.port)"],
                               environment: environment)
        #expect(waitForOutput("Forwarding 127.0.0.1:\(local) -> 127.0.0.1:\(echo.port)"), "\(stderr)\(chain.logs)")
        #expect(waitForOutput("SOCKS5 proxy on 127.0.0.1:\(socks)"), "\(stderr)")
        #expect(waitForOutput(" -> 127.0.0.1:\(echo.port) here"), "\(stderr)")
        let reverseLine = stderr.split(separator: "\n").first { $0.hasSuffix(" -> 127.0.0.1:\(echo.port) here") } ?? ""
        let remote = try #require(Int(reverseLine.split(separator: " ")[1].split(separator: ":").last ?? ""), "\(stderr)")

        #expect(TCPTestClient.echo(port: local, bytes: 64 << 20, seed: 51) == TCPTestClient.EchoResult(matched: 64 << 20, exact: true), "\(stderr)")
        #expect(TCPTestClient.echo(port: remote, bytes: 4 << 20, seed: 52).exact, "\(stderr)")
        let page = try Command("/usr/bin/curl", ["-s", "--max-time", "10", "--socks5-hostname", "127.0.0.1:\(socks)", web.url(host: "localhost")]).run()
        #expect(page.stdout == web.page, "\(page.stderr)\n\(stderr)")
        #expect(chain.relayed(chain.jumpHosts[0], to: chain.target), "\(chain.logs)")

        try chain.jumpHosts[0].restart()
        #expect(waitForOutput("connected again"), "\(stderr)")
        #expect(waitForOutput("the link was lost: jump host \(chain.chain):"), "\(stderr)")
        #expect(TCPTestClient.echo(port: local, bytes: 4 << 20, seed: 53).exact, "\(stderr)")
        sluice.signal(SIGINT)
        #expect(sluice.wait(timeout: 20) == 0, "\(stderr)")
    }

    @Test func aJumpHostTheUserCannotReachIsNamed() throws {
        let chain = try SSHChain()
        let closed = try ClosedPort()
        defer { withExtendedLifetime(closed) {} }
        let sluice = try start(["forward", chain.destination(chain.target), "--jump", "\(CurrentUser.name)@127.0.0.1:\(closed.port)",
                                "-D", String(try LoopbackPort.free())], environment: chain.home.environment)
        #expect(waitForOutput("jump host \(CurrentUser.name)@127.0.0.1:\(closed.port): cannot connect to 127.0.0.1 port \(closed.port): connection refused"),
                "\(stderr)")
        sluice.signal(SIGTERM)
        _ = sluice.wait(timeout: 10)
    }

    /// The alias's IdentityFile ~/.ssh/other is taken from HOME, where
    /// libssh alone would look in the passwd entry's home.
    @Test func anAliasWithAnIdentityFileUnderHome() throws {
        let sshd = try SSHServer()
        let home = try ClientHome(trusting: sshd)
        try FileManager.default.moveItem(atPath: home.identityPath, toPath: home.directory.file(".ssh/other"))
        try FileManager.default.removeItem(atPath: home.identityPath + ".pub")
        try home.directory.write(".ssh/config", """
            Host myalias
                HostName 127.0.0.1
                Port \(sshd.port)
                User \(CurrentUser.name)
                IdentityFile ~/.ssh/other
            """)
        let socks = try LoopbackPort.free()
        let sluice = try start(["forward", "myalias", "-D", String(socks)], environment: home.environment)
        #expect(waitForOutput("SOCKS5 proxy on 127.0.0.1:\(socks) via myalias"), "\(stderr)")
        sluice.signal(SIGTERM)
        #expect(sluice.wait(timeout: 10) == 0, "\(stderr)")
    }

    @Test func aKeyTrustedOnFirstUseIsSaid() throws {
        let sshd = try SSHServer()
        let home = try ClientHome(trusting: sshd, knowsHost: false)
        try home.directory.write(".ssh/config", "Host *\n    StrictHostKeyChecking accept-new\n")
        let sluice = try start(["forward", "\(CurrentUser.name)@127.0.0.1:\(sshd.port)", "-D", String(try LoopbackPort.free())],
                               environment: home.environment)
        #expect(waitForOutput("trusted on first use: ssh-ed25519 \(sshd.hostKeyFingerprint)"), "\(stderr)")
        sluice.signal(SIGTERM)
        #expect(sluice.wait(timeout: 10) == 0, "\(stderr)")
    }
}
