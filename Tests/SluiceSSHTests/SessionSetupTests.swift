import Foundation
import SluiceCore
import SluiceSSH
import SluiceTestSupport
import Testing

@Suite struct SessionSetupTests {
    func linkFailure(_ fixture: EngineFixture) -> String? {
        fixture.waitUntil { servers in servers.first?.link == .failed }
        return fixture.engine.board.server(named: "test")?.lastError
    }

    @Test func unknownHostKeyWithNobodyToAskFailsWithTheFingerprint() throws {
        let fixture = try EngineFixture(knowsHost: false)
        let port = try LoopbackPort.free()
        fixture.engine.apply([fixture.server(forwards: [try EngineFixture.forward("db", "-D \(port)")])])
        let error = try #require(linkFailure(fixture), "\(fixture.dump)")
        #expect(error.hasPrefix("the host key of [127.0.0.1]:\(fixture.sshd.port) is not known yet (ssh-ed25519 \(fixture.sshd.hostKeyFingerprint))"), "\(error)")
        #expect(error.contains("ssh-keyscan -p \(fixture.sshd.port) 127.0.0.1 >> \(fixture.home.knownHostsPath)"), "\(error)")
        #expect(fixture.prompter.prompts == [.unknownHostKey(host: "[127.0.0.1]:\(fixture.sshd.port)", keyType: "ssh-ed25519", fingerprint: fixture.sshd.hostKeyFingerprint)])
        #expect(try String(contentsOfFile: fixture.home.knownHostsPath, encoding: .utf8).isEmpty)
        // Nothing holds the port while the user has to act.
        #expect(fixture.status("test", "db")?.state == .failed)
        #expect(fixture.status("test", "db")?.lastError?.hasPrefix("test: the host key of") == true)
        #expect(LoopbackPort.isFree(port))
    }

    @Test func acceptedAndSavedHostKeyIsWrittenToKnownHosts() throws {
        let fixture = try EngineFixture(knowsHost: false, prompter: ScriptedPrompter { _ in .acceptAndSaveHostKey })
        let port = try LoopbackPort.free()
        fixture.engine.apply([fixture.server(forwards: [try EngineFixture.forward("db", "-D \(port)")])])
        #expect(fixture.waitForState("test", "db", .up), "\(fixture.dump)")
        let knownHosts = try String(contentsOfFile: fixture.home.knownHostsPath, encoding: .utf8)
        #expect(knownHosts.contains("[127.0.0.1]:\(fixture.sshd.port) ssh-ed25519 "), "\(knownHosts)")
        // The system ssh client now trusts it too: same file, same format.
        let check = try Command("/usr/bin/ssh", fixture.home.sshArguments(for: fixture.sshd) + ["\(CurrentUser.name)@127.0.0.1", "true"], environment: fixture.home.environment).run()
        #expect(check.status == 0, "\(check.stderr)")
    }

    @Test func changedHostKeyIsRefusedNamingTheFileAndLine() throws {
        let fixture = try EngineFixture(prompter: ScriptedPrompter { _ in .acceptAndSaveHostKey })
        let impostor = try SSHServer()
        let line = impostor.knownHostsLine.replacingOccurrences(of: "[127.0.0.1]:\(impostor.port)", with: "[127.0.0.1]:\(fixture.sshd.port)")
        try ("# comment\n" + line + "\n").write(toFile: fixture.home.knownHostsPath, atomically: true, encoding: .utf8)
        fixture.engine.apply([fixture.server(forwards: [try EngineFixture.forward("db", "-D \(try LoopbackPort.free())")])])
        let error = try #require(linkFailure(fixture), "\(fixture.dump)")
        #expect(error.hasPrefix("the host key of [127.0.0.1]:\(fixture.sshd.port) has CHANGED (now ssh-ed25519 \(fixture.sshd.hostKeyFingerprint)); the one in \(fixture.home.knownHostsPath) line 2 no longer matches."), "\(error)")
        #expect(error.hasSuffix("ssh-keygen -R '[127.0.0.1]:\(fixture.sshd.port)' -f \(fixture.home.knownHostsPath)"), "\(error)")
        #expect(fixture.prompter.prompts.isEmpty, "a changed key must never be offered for acceptance")
    }

    @Test func aKeyTheServerDoesNotKnowFailsAuthenticationClearly() throws {
        let fixture = try EngineFixture()
        let stranger = try TemporaryDirectory()
        _ = try Command("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", stranger.file("key")]).run()
        try FileManager.default.removeItem(atPath: fixture.home.identityPath)
        try FileManager.default.copyItem(atPath: stranger.file("key"), toPath: fixture.home.identityPath)
        fixture.engine.apply([fixture.server(forwards: [try EngineFixture.forward("db", "-D \(try LoopbackPort.free())")])])
        let error = try #require(linkFailure(fixture), "\(fixture.dump)")
        #expect(error == "the server [127.0.0.1]:\(fixture.sshd.port) did not let \(CurrentUser.name) in (tried: \(fixture.home.identityPath) (refused by the server)); check the user name and key, or set an identity file", "\(error)")
    }

    @Test func anIdentityFileWithAPassphraseIsUnlockedThroughThePrompter() throws {
        let fixture = try EngineFixture(prompter: ScriptedPrompter { prompt in
            if case .passphrase = prompt { return .text("open sesame") }
            return .unavailable
        })
        let keyPath = fixture.home.directory.file("locked_key")
        try FileManager.default.copyItem(atPath: fixture.home.identityPath, toPath: keyPath)
        let change = try Command("/usr/bin/ssh-keygen", ["-p", "-q", "-P", "", "-N", "open sesame", "-f", keyPath]).run()
        #expect(change.status == 0, "\(change.stderr)")
        try FileManager.default.removeItem(atPath: fixture.home.identityPath)
        let port = try LoopbackPort.free()
        var server = fixture.server(forwards: [try EngineFixture.forward("db", "-D \(port)")])
        server.identityFile = "~/locked_key"
        fixture.engine.apply([server])
        #expect(fixture.waitForState("test", "db", .up), "\(fixture.dump)")
        #expect(fixture.prompter.prompts.contains { if case .passphrase = $0 { return true } else { return false } })
    }

    @Test func nothingListeningOnTheServerPortIsRetriedWithBackoff() throws {
        let fixture = try EngineFixture()
        fixture.sshd.stop()
        fixture.engine.apply([fixture.server(forwards: [try EngineFixture.forward("db", "-D \(try LoopbackPort.free())")])])
        #expect(fixture.waitUntil { servers in
            if case .reconnecting(let attempt, _)? = servers.first?.link { return attempt >= 2 }
            return false
        }, "\(fixture.dump)")
        let status = try #require(fixture.engine.board.server(named: "test"))
        #expect(status.lastError == "cannot connect to 127.0.0.1 port \(fixture.sshd.port): connection refused (is sshd running there, on that port?)")
        #expect(status.linkWord().hasPrefix("reconnecting (attempt "))
    }
}

extension SessionSetupTests {
    @Test func anAliasFromTheUsersSSHConfigIsResolvedUnderHome() throws {
        let fixture = try EngineFixture()
        try fixture.home.directory.write(".ssh/config", """
            Host staging-db
                HostName 127.0.0.1
                Port \(fixture.sshd.port)
                User \(CurrentUser.name)
            """)
        let port = try LoopbackPort.free()
        let server = Server(name: "test", destination: try Destination(parsing: "staging-db"), forwards: [try EngineFixture.forward("db", "-D \(port)")])
        fixture.engine.apply([server])
        #expect(fixture.waitForState("test", "db", .up), "\(fixture.dump)")
    }

    @Test func aForwardTheServerForbidsSaysSo() throws {
        let fixture = try EngineFixture(sshdConfig: ["PermitOpen 127.0.0.1:1"])
        let echo = try TCPTestServer(mode: .echo)
        let port = try LoopbackPort.free()
        fixture.engine.apply([fixture.server(forwards: [try EngineFixture.forward("db", "-L \(port):127.0.0.1:\(echo.port)")])])
        #expect(fixture.waitForState("test", "db", .up), "\(fixture.dump)")
        let fd = TCPTestClient.connect(port: port)
        var byte: UInt8 = 0
        #expect(recv(fd, &byte, 1, 0) <= 0)
        close(fd)
        #expect(fixture.waitUntil { _ in
            fixture.status("test", "db")?.lastError == "the server refused to forward to 127.0.0.1:\(echo.port) (its sshd forbids it: AllowTcpForwarding or PermitOpen)"
        }, "\(fixture.dump)")
        #expect(echo.connectionsAccepted == 0)
    }
}

extension SessionSetupTests {
    /// AES-GCM first: the fastest cipher on hardware with AES instructions.
    @Test func aes128GCMIsNegotiatedByDefaultAndTheUsersCiphersLineWins() throws {
        let fixture = try EngineFixture(sshdConfig: ["LogLevel DEBUG1"])
        #expect(try fixture.bringUp("db", "-D \(try LoopbackPort.free())"), "\(fixture.dump)")
        #expect(fixture.sshd.log.contains("kex: client->server cipher: aes128-gcm@openssh.com"), "\(fixture.sshd.log.suffix(3000))")

        let custom = try EngineFixture(sshdConfig: ["LogLevel DEBUG1"])
        try custom.home.directory.write(".ssh/config", "Host *\n    Ciphers chacha20-poly1305@openssh.com\n")
        #expect(try custom.bringUp("db", "-D \(try LoopbackPort.free())"), "\(custom.dump)")
        #expect(custom.sshd.log.contains("kex: client->server cipher: chacha20-poly1305@openssh.com"), "\(custom.sshd.log.suffix(3000))")
    }
}

extension SessionSetupTests {
    /// After a failure that needs the user, the session waits; once the
    /// user has fixed the cause, a retry brings the forwards up.
    @Test func retryAfterTheUserAddsTheHostKeyBringsTheForwardUp() throws {
        let fixture = try EngineFixture(knowsHost: false)
        let port = try LoopbackPort.free()
        fixture.engine.apply([fixture.server(forwards: [try EngineFixture.forward("db", "-D \(port)")])])
        _ = try #require(linkFailure(fixture), "\(fixture.dump)")
        try (fixture.sshd.knownHostsLine + "\n").write(toFile: fixture.home.knownHostsPath, atomically: true, encoding: .utf8)
        fixture.engine.retry(server: "test")
        #expect(fixture.waitForState("test", "db", .up), "\(fixture.dump)")
        #expect(!LoopbackPort.isFree(port))
    }
}
