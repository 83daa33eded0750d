import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

/// The command line end to end: the built binary, a temporary HOME and store.
@Suite struct CLITests: TemporaryHomeSuite {
    let home: TemporaryDirectory

    init() throws {
        home = try TemporaryDirectory(prefix: "sluice-cli")
    }

    @Test func savedServersAndForwardsAreListedAndStoredUnderHome() throws {
        try sluice("server", "add", "db", "deploy@db.example.com:2222", "--identity", "~/.ssh/id_db", "--jump", "bastion")
        let added = try sluice("add", "db", "-L", "5432:localhost:5432")
        #expect(added.stderr.contains("Saved db/L5432: -L 5432:localhost:5432 (127.0.0.1:5432 -> localhost:5432)."))
        #expect(added.stdout.isEmpty)
        try sluice("add", "db", "-D1080", "--disabled")
        try sluice("add", "db", "-R", "0:127.0.0.1:3000", "--name", "hook")

        let list = try sluice("list")
        #expect(list.stdout == """
            db  deploy@db.example.com:2222  (key ~/.ssh/id_db, via bastion)
              on   L5432  -L 5432:localhost:5432  127.0.0.1:5432 -> localhost:5432
              off  D1080  -D 1080                 SOCKS5 on 127.0.0.1:1080
              on   hook   -R 0:127.0.0.1:3000     server 127.0.0.1:(server picks) -> 127.0.0.1:3000

            """)

        var info = stat()
        #expect(stat(storePath, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        let json = try sluice("list", "--json").stdout
        #expect(json == (try String(contentsOfFile: storePath, encoding: .utf8)))
        let document = try StoreDocument(parsing: json, path: "stdout")
        #expect(try document.server(named: "db").forwards.map(\.spec.description) == ["-L 5432:localhost:5432", "-D 1080", "-R 0:127.0.0.1:3000"])
    }

    @Test func enableDisableAndRemoveAreSaved() throws {
        try sluice("server", "add", "db", "db")
        try sluice("add", "db", "-L", "5432")
        #expect(try sluice("disable", "db/L5432").stderr == "Switched db/L5432 off.\n")
        #expect(try sluice("disable", "db/L5432").stderr == "db/L5432 was already off.\n")
        #expect(try sluice("list", "--json").stdout.contains("\"enabled\": false"))
        try sluice("enable", "db/L5432")
        #expect(try sluice("list", "--json").stdout.contains("\"enabled\": true"))
        try sluice("remove", "db/L5432")
        #expect(try sluice("list").stdout.contains("no forwards yet"))
        #expect(try sluice("server", "remove", "db").stderr == "Removed server db.\n")
        #expect(try sluice("list").stderr.contains("No servers saved in \(storePath)"))
    }

    @Test func mistakesExitWith64AndSayWhatToDo() throws {
        try sluice("server", "add", "db", "db")
        let badSpec = try sluice("add", "db", "-L", "99999:localhost:5432", expect: 64)
        #expect(badSpec.stderr == "sluice: bad forward '-L 99999:localhost:5432': local port 99999 is out of range (1-65535); expected -L [bind_address:]port:host:hostport\n")
        let noServer = try sluice("add", "dbx", "-L", "5432", expect: 64)
        #expect(noServer.stderr.contains("no server named 'dbx' (saved servers: db)"))
        let noForward = try sluice("enable", "db/L1", expect: 64)
        #expect(noForward.stderr.contains("server 'db' has no forward named 'L1'"))
        let badReference = try sluice("remove", "L1", expect: 64)
        #expect(badReference.stderr.contains("write SERVER/FORWARD"))
        let badDestination = try sluice("server", "add", "x", "user@", expect: 64)
        #expect(badDestination.stderr.contains("bad destination 'user@': the host is empty"))
        let duplicate = try sluice("server", "add", "db", "other", expect: 64)
        #expect(duplicate.stderr.contains("a server named 'db' already exists"))
        let noFlag = try sluice("add", "db", expect: 64)
        #expect(noFlag.stderr.contains("one of -L, -R or -D"))
        let twoFlags = try sluice("add", "db", "-L", "1", "-D", "2", expect: 64)
        #expect(twoFlags.stderr.contains("one forward at a time"))
        // An unknown option is named, not taken for a missing forward.
        for unknown in [try sluice("add", "db", "-X", "1", expect: 64), try sluice("forward", "db", "-X", "1", expect: 64)] {
            #expect(unknown.stderr.contains("Unknown option '-X'"), "\(unknown.stderr)")
            #expect(!unknown.stderr.contains("say what to forward"), "\(unknown.stderr)")
        }
        let nothingToForward = try sluice("forward", "db", expect: 64)
        #expect(nothingToForward.stderr.contains("say what to forward, e.g. sluice forward db -L 5432:localhost:5432"))
        try sluice("bogus", expect: 64)
        // None of that changed the store.
        #expect(try sluice("list", "--json").stdout.contains("\"forwards\": []"))
    }

    @Test func brokenStoreExitsWith65AndIsLeftAsItWas() throws {
        let broken = "{\n  \"version\": 1,\n  \"servers\": [\n    {\"name\": \"db\",}\n  ]\n}\n"
        try home.write(".config/sluice/forwards.json", broken)
        for arguments in [["list"], ["add", "db", "-L", "1"], ["server", "add", "x", "x"], ["import-ssh-config", "--file", "/dev/null"]] {
            let result = try SluiceBinary.run(arguments, environment: environment)
            #expect(result.status == 65, "\(arguments)")
            #expect(result.stderr.contains("is not valid JSON at line 4, column 19: a ',' before '}'"), "\(result.stderr)")
        }
        #expect(try String(contentsOfFile: storePath, encoding: .utf8) == broken)
    }

    @Test func storeLocationFollowsFlagThenEnvironmentThenXDG() throws {
        let elsewhere = home.file("elsewhere/s.json")
        _ = try SluiceBinary.run(["server", "add", "a", "a", "--store", elsewhere], environment: environment)
        _ = try SluiceBinary.run(["server", "add", "b", "b"], environment: environment.merging(["SLUICE_STORE": home.file("env.json")]) { $1 })
        _ = try SluiceBinary.run(["server", "add", "c", "c"], environment: environment.merging(["XDG_CONFIG_HOME": home.file("xdg")]) { $1 })
        #expect(try Store(path: elsewhere).load().servers.map(\.name) == ["a"])
        #expect(try Store(path: home.file("env.json")).load().servers.map(\.name) == ["b"])
        #expect(try Store(path: home.file("xdg/sluice/forwards.json")).load().servers.map(\.name) == ["c"])
        #expect(!FileManager.default.fileExists(atPath: storePath))
    }

    @Test func nonLoopbackListenersAndPortClashesWarn() throws {
        try sluice("server", "add", "db", "db")
        let open = try sluice("add", "db", "-D", "0.0.0.0:1080")
        #expect(open.stderr.contains("sluice: warning: db/D1080 listens on 0.0.0.0:1080, reachable from your network."))
        #expect(try sluice("list").stdout.contains("! reachable from your network"))
        let clash = try sluice("add", "db", "-L", "1080:localhost:80")
        #expect(clash.stderr.contains("sluice: warning: db/D1080 also listens on port 1080; only one of them can be up at a time."))
    }

    @Test func importReadsTheUsersSSHConfigAndDoesNotDuplicate() throws {
        try home.write(".ssh/config", """
            Include conf.d/*
            Host *
              User someone
            """)
        try home.write(".ssh/conf.d/db", """
            Host db
              HostName db.example.com
              LocalForward 5432 localhost:5432
              RemoteForward 1081
            Host *.example.com
              Port 2222
            """)
        let first = try sluice("import-ssh-config")
        #expect(first.stderr.contains("Added db with 1 forward."))
        #expect(first.stderr.contains("sluice: warning: db: "))
        #expect(first.stderr.contains("RemoteForward 1081"))
        let second = try sluice("import-ssh-config")
        #expect(second.stderr.contains("db is saved already with all its forwards."))
        // Saved as the alias; list shows what the config makes of it now.
        #expect(try sluice("list").stdout.hasPrefix("db  db (ssh config: someone@db.example.com)\n  on  L5432  -L 5432:localhost:5432"))
        let unknown = try sluice("import-ssh-config", "web", expect: 64)
        #expect(unknown.stderr.contains("no Host web in the ssh config; its hosts are: db"))
        let missing = try sluice("import-ssh-config", "--file", home.file("nope"), expect: 1)
        #expect(missing.stderr.contains("cannot read the ssh config \(home.file("nope"))"))
    }

    /// Separate processes saving at once: the lock makes them take turns.
    @Test func concurrentProcessesKeepEveryChange() throws {
        try sluice("server", "add", "db", "db")
        let children = try (0..<8).map { writer in
            try ChildProcess("/bin/sh", ["-c", (0..<5).map { "\(SluiceBinary.path) add db -L \(20_000 + writer * 10 + $0) || exit 1" }.joined(separator: "; ")], environment: environment)
        }
        #expect(children.map { $0.wait() } == Array(repeating: 0, count: 8))
        #expect(try Store(path: storePath).load().servers[0].forwards.count == 40)
    }

    @Test func withoutATerminalTheScreenSaysWhatToUseAndVersionNamesTheLibraries() throws {
        #expect(try sluice(expect: 1).stderr.contains("the screen needs a terminal; to run forwards without one, use: sluice up"))
        let version = try sluice("--version").stdout
        #expect(version.hasPrefix("sluice 0.1.0 (libssh 0.10."))
        #expect(version.contains("ncurses 6."))
    }
}
