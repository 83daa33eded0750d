import Foundation
import SluiceCore
import SluiceSSH
import SluiceTestSupport
import Testing

/// Sluice decides the host-key policy, not libssh's reading of the ssh
/// config: StrictHostKeyChecking no or accept-new only ever means "save a
/// new key, with a notice"; a changed key is refused whatever it says.
@Suite struct HostKeyPolicyTests {
    @Test(arguments: ["accept-new", "no"])
    func theConfigsAcceptNewSavesAnUnknownKeyWithANotice(_ setting: String) throws {
        let fixture = try EngineFixture(knowsHost: false)
        try fixture.home.directory.write(".ssh/config", "Host *\n    StrictHostKeyChecking \(setting)\n")
        #expect(try fixture.bringUp("socks", "-D \(try LoopbackPort.free())"), "\(fixture.dump)")
        #expect(fixture.prompter.prompts.isEmpty)
        let knownHosts = try String(contentsOfFile: fixture.home.knownHostsPath, encoding: .utf8)
        #expect(knownHosts.contains("[127.0.0.1]:\(fixture.sshd.port) ssh-ed25519 "), "\(knownHosts)")
        let notices = fixture.engine.board.server(named: "test")?.notices ?? []
        #expect(notices == ["\(CurrentUser.name)@127.0.0.1:\(fixture.sshd.port): trusted on first use: ssh-ed25519 \(fixture.sshd.hostKeyFingerprint), "
            + "saved to \(fixture.home.knownHostsPath) (StrictHostKeyChecking \(setting) in the ssh config)"], "\(notices)")
    }

    @Test func aChangedKeyIsRefusedEvenWhenTheConfigSaysNo() throws {
        let fixture = try EngineFixture(prompter: ScriptedPrompter { _ in .acceptAndSaveHostKey })
        try fixture.home.directory.write(".ssh/config", "Host *\n    StrictHostKeyChecking no\n")
        let impostor = try SSHServer()
        try (impostor.knownHostsLine.replacingOccurrences(of: ":\(impostor.port) ", with: ":\(fixture.sshd.port) ") + "\n")
            .write(toFile: fixture.home.knownHostsPath, atomically: true, encoding: .utf8)
        fixture.engine.apply([fixture.server(forwards: [try EngineFixture.forward("socks", "-D \(try LoopbackPort.free())")])])
        #expect(fixture.waitUntil { servers in servers.first?.link == .failed }, "\(fixture.dump)")
        let error = fixture.engine.board.server(named: "test")?.lastError ?? ""
        #expect(error.hasPrefix("the host key of [127.0.0.1]:\(fixture.sshd.port) has CHANGED"), "\(error)")
        #expect(fixture.prompter.prompts.isEmpty)
    }

    /// `~` in the config's IdentityFile is $HOME, not the passwd entry's home.
    @Test func anIdentityFileUnderTildeIsTakenFromHome() throws {
        let fixture = try EngineFixture()
        try FileManager.default.moveItem(atPath: fixture.home.identityPath, toPath: fixture.home.directory.file(".ssh/other"))
        try FileManager.default.removeItem(atPath: fixture.home.identityPath + ".pub")
        try fixture.home.directory.write(".ssh/config", "Host *\n    IdentityFile ~/.ssh/other\n")
        #expect(try fixture.bringUp("socks", "-D \(try LoopbackPort.free())"), "\(fixture.dump)")
    }

    @Test func aLoginFailureListsTheKeysTriedByPath() throws {
        let fixture = try EngineFixture()
        try fixture.home.directory.write(".ssh/config", "Host *\n    IdentityFile ~/.ssh/missing\n    IdentityFile %d/.ssh/stranger\n")
        let stranger = fixture.home.directory.file(".ssh/stranger")
        _ = try Command("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", stranger]).run()
        fixture.engine.apply([fixture.server(forwards: [try EngineFixture.forward("socks", "-D \(try LoopbackPort.free())")])])
        #expect(fixture.waitUntil { servers in servers.first?.link == .failed }, "\(fixture.dump)")
        let error = fixture.engine.board.server(named: "test")?.lastError ?? ""
        #expect(error.contains("(tried: \(fixture.home.path)/.ssh/missing (no such file); \(stranger) (refused by the server))"), "\(error)")
    }
}

extension HostKeyPolicyTests {
    /// The agent named by the config's IdentityAgent (under ~) logs in
    /// when no key file is there.
    @Test func theConfigsIdentityAgentIsUsed() throws {
        let fixture = try EngineFixture()
        let socket = fixture.home.directory.file("agent.sock")
        let agent = try ChildProcess("/usr/bin/ssh-agent", ["-D", "-a", socket])
        defer { agent.signal(SIGTERM); agent.wait() }
        let deadline = Date().addingTimeInterval(5)
        while !FileManager.default.fileExists(atPath: socket) && Date() < deadline { usleep(20_000) }
        let added = try Command("/usr/bin/ssh-add", [fixture.home.identityPath], environment: ["SSH_AUTH_SOCK": socket]).run()
        #expect(added.status == 0, "\(added.stderr)")
        try FileManager.default.removeItem(atPath: fixture.home.identityPath)
        try FileManager.default.removeItem(atPath: fixture.home.identityPath + ".pub")
        try fixture.home.directory.write(".ssh/config", "Host *\n    IdentityAgent ~/agent.sock\n")
        #expect(try fixture.bringUp("socks", "-D \(try LoopbackPort.free())"), "\(fixture.dump)")
    }
}
