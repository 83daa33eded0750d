import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

/// Jump hosts and host names that would run a command if they reached a
/// shell (libssh runs a jump as a ProxyCommand through /bin/sh): refused
/// on the command line, in the store and in an ssh config. Each run is in
/// a fresh folder, where the injected `touch X` would leave its mark.
@Suite struct InjectionTests {
    let home: TemporaryDirectory
    let work: TemporaryDirectory
    let closed: ClosedPort
    let environment: [String: String]

    init() throws {
        home = try TemporaryDirectory(prefix: "sluice-inject")
        work = try TemporaryDirectory(prefix: "sluice-inject-cwd")
        closed = try ClosedPort()
        environment = ["HOME": home.path, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "SLUICE_STORE": home.file("store.json")]
    }

    /// Runs sluice with `work` as its current folder.
    func sluice(_ arguments: [String], expect status: Int32) throws -> Command.Result {
        let result = try Command("/bin/sh", ["-c", "cd \"$0\" && exec \"$@\"", work.path, SluiceBinary.path] + arguments,
                                 environment: environment, timeout: 30).run()
        #expect(result.status == status, "sluice \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        return result
    }

    var markLeft: Bool { FileManager.default.fileExists(atPath: work.file("X")) }

    @Test(arguments: [
        ("b$(touch X)", "bad jump host 'b$(touch X)': it contains a space"),
        ("b$(touch${IFS}X)", "bad jump host 'b$(touch${IFS}X)': the host contains '$'"),
        ("b`touch X`", "bad jump host 'b`touch X`': it contains a space"),
        ("-oProxyCommand=touch X", "bad jump host '-oProxyCommand=touch X': a jump host cannot start with '-'"),
        ("ok,-oProxyCommand=touch X", "bad jump host 'ok,-oProxyCommand=touch X': a jump host cannot start with '-'"),
        ("", "bad jump host '': it is empty"),
        (",", "bad jump host ',': jump host 1 of 2 is empty"),
    ])
    func jumpHostsOnTheCommandLineAreRefused(_ jump: String, _ message: String) throws {
        // ArgumentParser takes a value starting with '-' only after '='.
        let option = jump.hasPrefix("-") ? ["--jump=\(jump)"] : ["--jump", jump]
        let forward = try sluice(["forward", "127.0.0.1:\(closed.port)", "5432"] + option, expect: 64)
        #expect(forward.stderr.hasPrefix("sluice: \(message)"), "\(forward.stderr)")
        let add = try sluice(["server", "add", "db", "db.example.com"] + option, expect: 64)
        #expect(add.stderr.hasPrefix("sluice: \(message)"), "\(add.stderr)")
        #expect(!markLeft)
        #expect(!FileManager.default.fileExists(atPath: home.file("store.json")))
    }

    @Test func aJumpHostInTheStoreIsRefusedBeforeAnythingRuns() throws {
        let store = """
            {"version": 1, "servers": [
              {"name": "db", "destination": "127.0.0.1:\(closed.port)", "jumpHost": "b$(touch X)",
               "forwards": [{"name": "D1080", "kind": "dynamic", "enabled": true, "listen": {"port": 1080}}]}]}

            """
        try home.write("store.json", store)
        for arguments in [["up"], ["list"], ["add", "db", "-L", "5432"]] {
            let result = try sluice(arguments, expect: 65)
            #expect(result.stderr.contains("has a problem at line 2, column 64: bad jump host 'b$(touch X)': it contains a space"), "\(result.stderr)")
        }
        #expect(!markLeft)
        #expect(try home.read("store.json") == store)
    }

    @Test func hostsWhoseConfigWouldRunACommandAreNotImported() throws {
        try home.write(".ssh/config", """
            Host jump-inject
              HostName 127.0.0.1
              Port \(closed.port)
              ProxyJump "b$(touch X)"
              LocalForward 15432 127.0.0.1:5432
            Host option-inject
              ProxyJump "-oProxyCommand=touch X"
              LocalForward 15433 127.0.0.1:5432
            Host quote-inject
              HostName "a'$(touch X)'"
              ProxyJump bastion
              LocalForward 15434 127.0.0.1:5432

            """)
        let result = try sluice(["import-ssh-config"], expect: 0)
        #expect(result.stderr.contains("Skipped jump-inject: its ProxyJump 'b$(touch X)': it contains a space."), "\(result.stderr)")
        #expect(result.stderr.contains("Skipped option-inject: its ProxyJump '-oProxyCommand=touch X': a jump host cannot start with '-'."))
        #expect(result.stderr.contains("Skipped quote-inject: its HostName 'a'$(touch X)'' contains '''; a host is a name"))
        // Nothing was saved, so nothing can be brought up to run it.
        #expect(try Store(path: home.file("store.json")).load().servers.isEmpty)
        _ = try sluice(["up", "--exit-on-failure"], expect: 1)
        #expect(!markLeft)
    }
}
