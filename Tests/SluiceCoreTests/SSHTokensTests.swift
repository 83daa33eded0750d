import SluiceCore
import Testing

@Suite struct SSHTokensTests {
    let tokens = SSHTokens(home: "/home/ana", host: "db.internal", originalHost: "db", port: 2222, remoteUser: "deploy",
                           localUser: "ana", uid: 1000, localHostName: "laptop.example.com")

    @Test(arguments: [
        ("~/.ssh/id_db", "/home/ana/.ssh/id_db"),
        ("~", "/home/ana"),
        ("%d/.ssh/%r@%h-%p", "/home/ana/.ssh/deploy@db.internal-2222"),
        ("%n %u %i %l %L 100%%", "db ana 1000 laptop.example.com laptop 100%"),
        ("/abs/~/path", "/abs/~/path"),
        ("~other/key", "~other/key"),
    ])
    func expandsAsSSHDoesButFromHome(_ text: String, _ expected: String) throws {
        #expect(try tokens.expand(text) == expected)
    }

    @Test func refusesTokensItCannotExpand() {
        #expect(throws: SSHTokens.UnknownToken(token: "%C")) { try tokens.expand("~/.ssh/cm-%C") }
        #expect(throws: SSHTokens.UnknownToken(token: "%")) { try tokens.expand("trailing%") }
    }
}
