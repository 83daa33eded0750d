import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

/// Whatever a user types, a file holds or a client sends, what Sluice
/// writes back is short and holds no escape sequence: an ESC is shown as
/// `^[`, and a value of megabytes is cut to a few dozen characters.
@Suite struct HostileInputTests {
    let home: TemporaryDirectory
    let environment: [String: String]

    init() throws {
        home = try TemporaryDirectory(prefix: "sluice-hostile")
        environment = ["HOME": home.path, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "SLUICE_STORE": home.file("store.json")]
    }

    func sluice(_ arguments: [String], expect status: Int32) throws -> Command.Result {
        let result = try SluiceBinary.run(arguments, environment: environment, timeout: 60)
        #expect(result.status == status, "sluice exited \(result.status): \(result.stderr.prefix(500))")
        #expect(!result.stderr.contains("\u{1B}") && !result.stdout.contains("\u{1B}"), "an ESC reached the terminal")
        return result
    }

    @Test(arguments: [
        (["add", "db", "-L", "5432:ev\u{1B}]2;x\u{07}il:80"], "sluice: bad forward '-L 5432:ev^[]2;x^Gil:80': the target host contains '^['"),
        (["add", "db", "-L", "\u{1B}[2J5432"], "sluice: bad forward '-L ^[[2J5432': '^[[2J5432' is not a valid port"),
        (["add", "db", "-L", "5432", "--name", "a\u{1B}[31mb"], "sluice: bad forward name 'a^[[31mb': it contains a space or a control character"),
        (["server", "add", "n\u{1B}", "db"], "sluice: bad server name 'n^[': it contains a space or a control character"),
        (["server", "add", "x", "h\u{1B}[2J"], "sluice: bad destination 'h^[[2J': the host contains '^['"),
        (["server", "add", "x", "db", "--identity", "k\u{1B}[2J"], "sluice: bad identity file 'k^[[2J': the path contains '^['"),
        (["enable", "d\u{1B}b/x"], "sluice: no server named 'd^[b' (saved servers: db)"),
        (["remove", "\u{1B}"], "sluice: '^[' does not name a forward"),
        (["list", "--b\u{1B}gus"], "Error: Unknown option '--b^[gus'"),
    ])
    func anEscapeInTheCommandLineIsShownNotObeyed(_ arguments: [String], _ message: String) throws {
        _ = try sluice(["server", "add", "db", "db"], expect: 0)
        let result = try sluice(arguments, expect: 64)
        #expect(result.stderr.hasPrefix(message), "\(result.stderr)")
    }

    /// Linux takes at most 128 KiB per argument: the longest a command
    /// line can hold.
    @Test func aLongArgumentIsQuotedShort() throws {
        let long = String(repeating: "x", count: 120_000)
        _ = try sluice(["server", "add", "db", "db"], expect: 0)
        try home.write(".ssh/config", "Host db\n")
        for arguments in [["server", "add", long, "db"], ["server", "add", "x", long], ["add", "db", "-L", long],
                          ["add", "db", "-L", "1", "--name", long], ["enable", "db/" + long], ["up", long], [long],
                          ["import-ssh-config", long]] {
            let result = try sluice(arguments, expect: 64)
            #expect(result.stderr.utf8.count < 1200, "\(arguments.map { $0.prefix(20) }): \(result.stderr.utf8.count) bytes")
            #expect(result.stderr.contains(String(repeating: "x", count: TerminalText.echoLimit) + "…"), "\(result.stderr.prefix(300))")
        }
    }

    @Test func aFiveMegabyteNameInTheStoreIsQuotedShort() throws {
        let name = String(repeating: "n", count: 5_000_000)
        try home.write("store.json", "{\"version\": 1, \"servers\": [{\"name\": \"\(name)\", \"destination\": \"db\", \"forwards\": []}]}\n")
        let result = try sluice(["list"], expect: 65)
        #expect(result.stderr.contains("bad server name '\(String(repeating: "n", count: TerminalText.echoLimit))…': it is longer than 64 characters"))
        #expect(result.stderr.utf8.count < 1000, "\(result.stderr.utf8.count) bytes")
        let key = String(repeating: "k", count: 5_000_000)
        try home.write("store.json", "{\"version\": 1, \"servers\": [], \"\\u001b\(key)\": 1}\n")
        let unknownKey = try sluice(["list"], expect: 65)
        #expect(unknownKey.stderr.contains("the document has an unknown key \"^[\(String(repeating: "k", count: TerminalText.echoLimit - 1))…\""), "\(unknownKey.stderr.prefix(300))")
        #expect(unknownKey.stderr.utf8.count < 1000, "\(unknownKey.stderr.utf8.count) bytes")
    }

    @Test func hugeAndEscapingAliasesInAnSSHConfigAreQuotedShort() throws {
        let alias = String(repeating: "a", count: 1_000_000)
        try home.write(".ssh/config", "Host \(alias) evil\u{1B}]2;x\u{07}\n  LocalForward 1 localhost:bad\n")
        let result = try sluice(["import-ssh-config"], expect: 0)
        #expect(result.stderr.contains("Skipped \(String(repeating: "a", count: TerminalText.echoLimit))…: not usable as a server name: it is longer than 64 characters."))
        #expect(result.stderr.contains("Skipped evil^[]2;x^G: not usable as a server name: it contains a space or a control character."), "\(result.stderr.prefix(2000))")
        #expect(result.stderr.utf8.count < 2000, "\(result.stderr.utf8.count) bytes")
        let unknown = try sluice(["import-ssh-config", "web\u{1B}"], expect: 64)
        #expect(unknown.stderr.contains("no Host web^[ in the ssh config; its hosts are: \(String(repeating: "a", count: TerminalText.echoLimit))…, evil^[]2;x^G"), "\(unknown.stderr.prefix(500))")
    }
}
