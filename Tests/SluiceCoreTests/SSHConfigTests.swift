import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

@Suite struct SSHConfigTests {
    static let home = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/home").path

    func fixture() throws -> SSHConfig {
        try SSHConfig(file: Self.home + "/.ssh/config", home: Self.home)
    }

    @Test func concreteHostsAreServersAndWildcardsAreNot() throws {
        #expect(try fixture().aliases == ["build", "db", "nas", "nested-inside-include", "web", "web-alias", "bastion"])
    }

    @Test func firstValueWinsAcrossIncludesAndBlocks() throws {
        let db = try fixture().settings(for: "db")
        #expect(db.hostName == "db.internal.example.com")
        #expect(db.user == "early-user")
        #expect(db.port == 2222)
        #expect(db.identityFile == "~/.ssh/id_db")
        #expect(db.proxyJump == "bastion")
        #expect(db.destination.description == "early-user@db.internal.example.com:2222")
    }

    @Test func forwardsAddUpInOrder() throws {
        let db = try fixture().settings(for: "db")
        #expect(db.forwards.map(\.description) == ["-L 5432:localhost:5432", "-L 127.0.0.1:16379:cache.internal:6379", "-D 1080"])
        #expect(db.problems.isEmpty)
    }

    @Test func wildcardBlocksApplyToMatchingHostsUnlessNegated() throws {
        let config = try fixture()
        // web's HostName becomes web.example.com, which the *.example.com block
        // does not match: patterns match the name typed, not the HostName.
        let web = config.settings(for: "web")
        #expect(web.hostName == "web.example.com")
        #expect(web.user == "everyone")
        #expect(web.identityFile == "~/.ssh/id_default")
        #expect(web.port == 22)
        #expect(config.settings(for: "bastion").user == "jump")
    }

    @Test func matchBlocksAreNotGuessed() throws {
        #expect(try fixture().settings(for: "db").user != "from-match")
    }

    @Test func unusableForwardsAreReportedWithTheirLine() throws {
        let web = try fixture().settings(for: "web")
        #expect(web.forwards.map(\.description) == ["-R 8080:127.0.0.1:3000", "-R [::1]:9090:[::1]:9090"])
        #expect(web.problems.count == 2)
        #expect(web.problems[0].hasSuffix(".ssh/config:19: RemoteForward 1081: a RemoteForward without a target is a SOCKS proxy on the server, which Sluice does not run"))
        #expect(web.problems[1].contains(".ssh/config:20: LocalForward 99999 localhost:1: local port 99999 is out of range"))
    }

    @Test func quotedValuesAndIPv6ForwardsSurvive() throws {
        let build = try fixture().settings(for: "build")
        #expect(build.hostName == "build server.example.com")
        #expect(build.forwards.map(\.description) == ["-L [::1]:8443:[::1]:443"])
    }

    @Test func anIncludeInsideAHostBlockAppliesOnlyToThatHost() throws {
        let config = try fixture()
        #expect(config.settings(for: "nas").forwards.map(\.description) == ["-L 5000:127.0.0.1:5000"])
        #expect(config.settings(for: "build").forwards.count == 1)
        // A Host line inside a file included from an inactive block never applies (as in OpenSSH).
        #expect(config.settings(for: "nested-inside-include").hostName == nil)
    }

    @Test func importAddsServersWithTheirForwardsAndIsIdempotent() throws {
        let config = try fixture()
        var document = StoreDocument()
        let first = try document.importSSHConfig(config, destination: .resolved)
        #expect(first.contains(.added(server: "db", forwards: 3)))
        #expect(first.contains(.added(server: "web", forwards: 2)))
        #expect(first.contains(.added(server: "bastion", forwards: 0)))
        // The fixture's quoted HostName holds a space: ssh would look that
        // name up and fail, Sluice says so and does not save it.
        let skipped = SSHImportOutcome.skipped(alias: "build", reason: "its HostName 'build server.example.com' contains a space; a host is a name of letters, digits, '-', '_' and '.', or an IP address")
        #expect(first.contains(skipped))
        let db = try document.server(named: "db")
        #expect(db.address.description == "early-user@db.internal.example.com:2222")
        #expect(db.identityFile == "~/.ssh/id_db")
        #expect(db.jumpHost == "bastion")
        #expect(db.forwards.map(\.name) == ["L5432", "L16379", "D1080"])
        #expect(db.forwards.allSatisfy { $0.enabled })

        let again = document
        let second = try document.importSSHConfig(config, destination: .resolved)
        #expect(document == again)
        #expect(second.filter { if case .unchanged = $0 { return false } else { return true } } == [skipped])
    }

    /// By default only the alias is saved: the engine looks it up in the
    /// ssh config at each connect, so later edits of the config count. Its
    /// values are checked all the same, since the engine would refuse them.
    @Test func importKeepsTheAliasAndChecksWhatItStandsFor() throws {
        var document = StoreDocument()
        let outcomes = try document.importSSHConfig(try fixture(), destination: .alias)
        #expect(outcomes.contains(.added(server: "db", forwards: 3)))
        let db = try document.server(named: "db")
        #expect(db.destination == Destination(user: nil, host: "db", port: nil))
        #expect(db.identityFile == nil)
        #expect(db.jumpHost == nil)
        #expect(db.forwards.map(\.name) == ["L5432", "L16379", "D1080"])
        #expect(outcomes.contains(.skipped(alias: "build", reason: "its HostName 'build server.example.com' contains a space; a host is a name of letters, digits, '-', '_' and '.', or an IP address")))
        #expect((try StoreDocument(parsing: document.jsonText, path: "again")) == document)
    }

    /// An alias can be a server's name without being a host name; saving
    /// it to be looked up would make a store that does not read back.
    @Test func anAliasThatIsNoHostNameIsSkippedUnlessResolved() throws {
        let config = try SSHConfig(text: "Host we$rd\n  HostName 127.0.0.1\n", home: "/nonexistent")
        var aliasDocument = StoreDocument()
        #expect(try aliasDocument.importSSHConfig(config, destination: .alias) == [.skipped(alias: "we$rd", reason:
            "its alias, which Sluice would save to look up in the ssh config, contains '$'; a host is a name of letters, digits, '-', '_' and '.', or an IP address; import it with --resolve to save its address instead")])
        var resolvedDocument = StoreDocument()
        #expect(try resolvedDocument.importSSHConfig(config, destination: .resolved) == [.added(server: "we$rd", forwards: 0)])
        #expect(try resolvedDocument.server(named: "we$rd").address.description == "127.0.0.1")
    }

    @Test func importKeepsUserChangesAndAddsOnlyMissingForwards() throws {
        let config = try fixture()
        var document = StoreDocument()
        _ = try document.importSSHConfig(config, hosts: ["db"], destination: .resolved)
        try document.setEnabled(false, for: ForwardReference(server: "db", forward: "L5432"))
        try document.removeForward(ForwardReference(server: "db", forward: "D1080"))
        let outcome = try document.importSSHConfig(config, hosts: ["db"], destination: .resolved)
        #expect(outcome == [.updated(server: "db", newForwards: 1)])
        let db = try document.server(named: "db")
        #expect(db.forwards.map(\.name) == ["L5432", "L16379", "D1080"])
        #expect(db.forwards[0].enabled == false)
    }

    /// ssh itself might take these values (or hand them to a shell);
    /// Sluice skips the host and says which line to look at.
    @Test func hostsWithUnusableValuesAreSkippedWithTheReason() throws {
        let config = try SSHConfig(text: """
            Host inject-hostname
              HostName $(touch X)
            Host inject-jump
              ProxyJump b$(touch_X)
            Host option-jump
              ProxyJump -oProxyCommand=touch_X
            Host empty-hop
              ProxyJump a,,b
            Host escape-user
              User "ev\u{1B}[2Jil"
            Host bad-key
              IdentityFile "~/.ssh/id\u{202E}"
            Host rlo\u{202E}name
            Host good
              ProxyJump ssh://ops@bastion:2222/,inner
            """, home: "/nonexistent")
        var document = StoreDocument()
        let outcomes = try document.importSSHConfig(config, destination: .resolved)
        #expect(outcomes == [
            .skipped(alias: "inject-hostname", reason: "its HostName '$(touch' contains '$'; a host is a name of letters, digits, '-', '_' and '.', or an IP address"),
            .skipped(alias: "inject-jump", reason: "its ProxyJump 'b$(touch_X)': the host contains '$'; a host is a name of letters, digits, '-', '_' and '.', or an IP address"),
            .skipped(alias: "option-jump", reason: "its ProxyJump '-oProxyCommand=touch_X': a jump host cannot start with '-'"),
            .skipped(alias: "empty-hop", reason: "its ProxyJump 'a,,b': jump host 2 of 3 is empty"),
            .skipped(alias: "escape-user", reason: "its User 'ev^[[2Jil' contains '^['"),
            .skipped(alias: "bad-key", reason: "its IdentityFile '~/.ssh/id<U+202E>' contains '<U+202E>', an invisible or control character"),
            .skipped(alias: "rlo\u{202E}name", reason: "not usable as a server name: it contains '<U+202E>', an invisible or direction-changing character"),
            .added(server: "good", forwards: 0),
        ])
        #expect(document.servers.map(\.name) == ["good"])
        #expect(document.servers[0].jumpHost == "ops@bastion:2222,inner")
    }

    @Test func namingAHostThatIsNotThereListsTheOnesThatAre() throws {
        var document = StoreDocument()
        #expect {
            try document.importSSHConfig(try fixture(), hosts: ["db", "nope"], destination: .resolved)
        } throws: { error in
            guard case let SSHConfigError.unknownHosts(names, known) = error else { return false }
            return names == ["nope"] && known.contains("db")
        }
        #expect(document == StoreDocument())
    }

    @Test func keywordValueSyntaxVariants() throws {
        let config = try SSHConfig(text: """
            host  a
              HOSTNAME = one.example.com
              user=ann   # comment after
              Port	2200
            Host "b"
              LocalForward "8080" "localhost:80"
            """, home: "/nonexistent")
        let a = config.settings(for: "a")
        #expect(a.hostName == "one.example.com")
        #expect(a.user == "ann")
        #expect(a.port == 2200)
        #expect(config.settings(for: "b").forwards.map(\.description) == ["-L 8080:localhost:80"])
    }

    /// A config saved on Windows: '\r' is white space, as for ssh.
    @Test func crlfLineEndingsAreRead() throws {
        let config = try SSHConfig(text: "Host a b\r\n  HostName one.example.com\r\n  Port 2200\r\nHost c\r\n  User=ann\r\n", home: "/nonexistent")
        #expect(config.aliases == ["a", "b", "c"])
        #expect(config.settings(for: "b").destination.description == "one.example.com:2200")
        #expect(config.settings(for: "c").user == "ann")
    }

    @Test func unclosedQuoteIsASyntaxErrorWithItsLine() {
        #expect(throws: SSHConfigError.syntax(SSHConfigLocation(file: "config", line: 2), "a '\"' is not closed")) {
            try SSHConfig(text: "Host a\n  HostName \"oops\n", home: "/nonexistent")
        }
    }

    @Test func anIncludeOfMoreThanTheMostFilesIsCutShortWithAWarning() throws {
        let folder = try TemporaryDirectory()
        for index in 0..<1030 {
            try folder.write(".ssh/d/\(String(index + 10_000))", "Host h\(index)\n")
        }
        try folder.write(".ssh/config", "Include d/*\n")
        let config = try SSHConfig(file: folder.file(".ssh/config"), home: folder.path)
        #expect(config.aliases.count == 1024)
        #expect(config.aliases.last == "h1023")
        #expect(config.warnings == ["\(folder.file(".ssh/config")):1: skipped the rest of this Include: the ssh config already includes 1024 files, the most Sluice reads"])
    }

    /// Files that include each other a few times over add up: the total
    /// read is capped, not only each file.
    @Test func includesPastSixteenMebibytesInAllAreSkippedWithAWarning() throws {
        let folder = try TemporaryDirectory()
        let comment = "#" + String(repeating: "x", count: 1022) + "\n"
        try folder.write(".ssh/big", "Host big\n" + String(repeating: comment, count: 6 * 1024))
        try folder.write(".ssh/config", "Include big big big\nHost after\n")
        let config = try SSHConfig(file: folder.file(".ssh/config"), home: folder.path)
        #expect(config.aliases == ["big", "after"])
        #expect(config.warnings == ["\(folder.file(".ssh/config")):1: skipped included file \(folder.file(".ssh/big")): with it the ssh config and its Includes would hold more than 16 MiB, the most Sluice reads"])
    }

    @Test func anIncludedFileThatIsNotUTF8IsSkippedWithAWarning() throws {
        let folder = try TemporaryDirectory()
        try folder.write(".ssh/config", "Include latin1\nHost a\n")
        try Data([0x48, 0x6F, 0x73, 0x74, 0x20, 0xE9, 0x0A]).write(to: URL(fileURLWithPath: folder.file(".ssh/latin1")))
        let config = try SSHConfig(file: folder.file(".ssh/config"), home: folder.path)
        #expect(config.aliases == ["a"])
        #expect(config.warnings == ["\(folder.file(".ssh/config")):1: cannot read included file \(folder.file(".ssh/latin1")): it is not UTF-8 text"])
    }

    @Test func selfIncludeStopsWithAMessage() throws {
        let folder = try TemporaryDirectory()
        try folder.write(".ssh/config", "Include config\n")
        #expect {
            try SSHConfig(file: folder.file(".ssh/config"), home: folder.path)
        } throws: { error in
            "\(error)".contains("Include is nested more than 16 deep")
        }
    }
}
