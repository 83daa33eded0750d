import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

/// `sluice server edit` and `sluice edit`, as processes: what changes, what
/// stays (every switch, every other forward), and refusals that leave the
/// store as it was.
@Suite struct EditCommandTests: TemporaryHomeSuite {
    let home: TemporaryDirectory

    init() throws {
        home = try TemporaryDirectory(prefix: "sluice-edit")
    }

    func load() throws -> StoreDocument { try Store(path: storePath).load() }

    /// db with three forwards, one switched off, and web with one.
    func saveTwoServers() throws {
        try sluice("server", "add", "db", "deploy@db.example.com:2222", "--identity", "~/.ssh/id_db", "--jump", "bastion")
        try sluice("add", "db", "-L", "5432:localhost:5432")
        try sluice("add", "db", "-D", "1080", "--disabled")
        try sluice("add", "db", "-R", "0:127.0.0.1:3000", "--name", "hook")
        try sluice("server", "add", "web", "web.example.com")
        try sluice("add", "web", "-L", "8080:localhost:80", "--disabled")
    }

    @Test func serverEditChangesOnlyWhatIsPassed() throws {
        try saveTwoServers()
        let before = try load()
        let moved = try sluice("server", "edit", "db", "--destination", "ops@db2.example.com")
        #expect(moved.stderr == "Saved server db: ops@db2.example.com (key ~/.ssh/id_db, via bastion).\n")
        var expected = before
        expected.servers[0].address = .ssh(try Destination(parsing: "ops@db2.example.com"))
        #expect(try load() == expected)

        let cleared = try sluice("server", "edit", "db", "--identity", "None", "--jump", "none")
        #expect(cleared.stderr == "Saved server db: ops@db2.example.com.\n")
        expected.servers[0].identityFile = nil
        expected.servers[0].jumpHost = nil
        #expect(try load() == expected)

        try sluice("server", "edit", "db", "--identity", "~/.ssh/other", "--jump", "ops@jump1:2200,jump2")
        expected.servers[0].identityFile = "~/.ssh/other"
        expected.servers[0].jumpHost = "ops@jump1:2200,jump2"
        #expect(try load() == expected)
        #expect(try sluice("list").stdout.hasPrefix("db  ops@db2.example.com  (key ~/.ssh/other, via ops@jump1:2200,jump2)\n"))
    }

    @Test func renamingAServerKeepsEverySwitchAndTheOtherServers() throws {
        try saveTwoServers()
        let before = try load()
        let renamed = try sluice("server", "edit", "db", "--rename", "prod")
        #expect(renamed.stderr == "Saved server prod (was db; its 3 forwards kept, switched on or off as before): deploy@db.example.com:2222 (key ~/.ssh/id_db, via bastion).\n")
        var expected = before
        expected.servers[0].name = "prod"
        #expect(try load() == expected)
        #expect(try load().servers[0].forwards.map(\.enabled) == [true, false, true])
        // The forwards answer to the new name only.
        #expect(try sluice("enable", "prod/D1080").stderr == "Switched prod/D1080 on.\n")
        #expect(try sluice("enable", "db/D1080", expect: 64).stderr.contains("no server named 'db' (saved servers: prod, web)"))
    }

    @Test func editingAForwardKeepsItsSwitchItsPlaceAndTheOthers() throws {
        try saveTwoServers()
        let before = try load()
        var expected = before

        let respecified = try sluice("edit", "db/D1080", "--spec", "1081")
        #expect(respecified.stderr == "Saved db/D1080: -D 1081 (SOCKS5 on 127.0.0.1:1081), switched off.\n")
        expected.servers[0].forwards[1].spec = try ForwardSpec(parsing: "1081", kind: .dynamic)
        #expect(try load() == expected)

        let renamed = try sluice("edit", "db/L5432", "--rename", "pg", "--spec", "15432:localhost:5432")
        #expect(renamed.stderr == "Saved db/pg (was db/L5432): -L 15432:localhost:5432 (127.0.0.1:15432 -> localhost:5432).\n")
        expected.servers[0].forwards[0].name = "pg"
        expected.servers[0].forwards[0].spec = try ForwardSpec(parsing: "15432:localhost:5432", kind: .local)
        #expect(try load() == expected)

        // A leading flag changes the kind, as one word or quoted with a space.
        try sluice("edit", "db/D1080", "--spec", "-L 1080:localhost:80")
        expected.servers[0].forwards[1].spec = try ForwardSpec(parsing: "1080:localhost:80", kind: .local)
        #expect(try load() == expected)
        try sluice("edit", "db/D1080", "--spec", "-D1082")
        expected.servers[0].forwards[1].spec = try ForwardSpec(parsing: "1082", kind: .dynamic)
        #expect(try load() == expected)
        #expect(try load().servers.flatMap(\.forwards).map(\.enabled) == [true, false, true, false])

        let clash = try sluice("edit", "web/L8080", "--spec", "15432:localhost:80")
        #expect(clash.stderr.contains("sluice: warning: db/pg also listens on port 15432; only one of them can be up at a time."), "\(clash.stderr)")
    }

    @Test func sameValuesChangeNothing() throws {
        try saveTwoServers()
        let file = try String(contentsOfFile: storePath, encoding: .utf8)
        #expect(try sluice("server", "edit", "db", "--destination", "deploy@db.example.com:2222", "--rename", "db").stderr
            == "Server db already has those settings; nothing changed.\n")
        #expect(try sluice("edit", "db/L5432", "--spec", "5432:localhost:5432").stderr == "db/L5432 already is -L 5432:localhost:5432; nothing changed.\n")
        #expect(try String(contentsOfFile: storePath, encoding: .utf8) == file)
    }

    /// Each refusal exits 64, says what to do, and the store stays as it was.
    @Test func mistakesAreRefusedWithWhatToDoAndChangeNothing() throws {
        try saveTwoServers()
        let file = try String(contentsOfFile: storePath, encoding: .utf8)
        let refusals: [([String], String)] = [
            (["server", "edit", "db"], "say what to change with --destination, --identity, --jump, --token-file, --ca-file or --rename, e.g. sluice server edit db --destination"),
            (["server", "edit", "nope", "--rename", "x"], "no server named 'nope' (saved servers: db, web)"),
            (["server", "edit", "db", "--rename", "web"], "a server named 'web' already exists; pick another name"),
            (["server", "edit", "db", "--rename", "a/b"], "bad server name 'a/b': it contains '/'"),
            (["server", "edit", "db", "--destination", "u@"], "bad destination 'u@': the host is empty"),
            (["server", "edit", "db", "--jump", "a,,b"], "bad jump host 'a,,b': jump host 2 of 3 is empty"),
            (["server", "edit", "db", "--identity", ""], "--identity '' names no file; to log in without a key file of its own (the agent and ~/.ssh/id_* still work), pass --identity none"),
            (["edit", "db/L5432"], "say what to change with --spec or --rename, e.g. sluice edit db/L5432 --spec 15432:localhost:5432"),
            (["edit", "db/L5432", "--rename", "D1080"], "server 'db' already has a forward named 'D1080'; pick another name for --rename (sluice list shows the names)"),
            (["edit", "db/L5432", "--spec", "99999"], "bad forward '-L 99999': local port 99999 is out of range (1-65535)"),
            (["edit", "db/L5432", "--spec", "-X1"], "bad forward '-X1': '-X' is not -L, -R or -D; give the spec in the forward's own kind, or start it with -L, -R or -D"),
            (["edit", "db/nope", "--spec", "1"], "server 'db' has no forward named 'nope' (saved forwards: L5432, D1080, hook)"),
            (["edit", "nope/L5432", "--spec", "1"], "no server named 'nope' (saved servers: db, web)"),
            (["edit", "dbL5432", "--spec", "1"], "'dbL5432' does not name a forward; write SERVER/FORWARD"),
        ]
        for (arguments, message) in refusals {
            let result = try SluiceBinary.run(arguments, environment: environment)
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
        #expect(try String(contentsOfFile: storePath, encoding: .utf8) == file)
    }
}
