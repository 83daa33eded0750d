import Foundation
import SluiceCore
import SluiceSSH
import SluiceTestSupport
import Testing

/// Logins and algorithm choices as OpenSSH's own client would make them,
/// against a real sshd.
@Suite struct LoginTests {
    /// A server that wants two keys (one step of several accepted, then the
    /// next) lets Sluice in with the second.
    @Test func aServerThatWantsTwoKeysGetsThem() throws {
        let fixture = try EngineFixture(sshdConfig: ["AuthenticationMethods publickey,publickey"])
        let second = fixture.home.directory.file(".ssh/second")
        _ = try Command("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", second]).run()
        try fixture.sshd.authorize(publicKeyFile: second + ".pub")
        try fixture.home.directory.write(".ssh/config", "Host *\n    IdentityFile ~/.ssh/id_ed25519\n    IdentityFile ~/.ssh/second\n")
        #expect(try fixture.bringUp("socks", "-D \(try LoopbackPort.free())"), "\(fixture.dump)")
    }

    @Test func aServerThatWantsTwoKeysAndGetsOneSaysSo() throws {
        let fixture = try EngineFixture(sshdConfig: ["AuthenticationMethods publickey,publickey"])
        fixture.engine.apply([fixture.server(forwards: [try EngineFixture.forward("socks", "-D \(try LoopbackPort.free())")])])
        #expect(fixture.waitUntil { servers in servers.first?.link == .failed }, "\(fixture.dump)")
        let error = fixture.engine.board.server(named: "test")?.lastError ?? ""
        #expect(error.contains("\(fixture.home.identityPath) (accepted; the server wants another method too)"), "\(error)")
    }

    @Test(arguments: [
        ("-aes128-gcm@openssh.com", "chacha20-poly1305@openssh.com"),
        ("^aes256-gcm@openssh.com", "aes256-gcm@openssh.com"),
        ("+aes192-ctr", "aes128-gcm@openssh.com"),
    ])
    func cipherListsAddRemoveAndPutFirstAsInOpenSSH(_ line: String, _ negotiated: String) throws {
        let fixture = try EngineFixture(sshdConfig: ["LogLevel DEBUG1"])
        try fixture.home.directory.write(".ssh/config", "Host *\n    Ciphers \(line)\n    HostKeyAlgorithms +ssh-rsa\n")
        #expect(try fixture.bringUp("socks", "-D \(try LoopbackPort.free())"), "\(fixture.dump)")
        #expect(fixture.sshd.log.contains("kex: client->server cipher: \(negotiated)"), "\(fixture.sshd.log.suffix(3000))")
    }
}
