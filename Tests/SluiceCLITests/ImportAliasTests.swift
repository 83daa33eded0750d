import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

/// import-ssh-config keeps the alias, and the engine follows the ssh config
/// at connect time: against a real sshd, a config edited after the import
/// is the one that counts.
@Suite struct ImportAliasTests {
    let sshd: SSHServer
    let home: ClientHome
    let logs: TemporaryDirectory
    let environment: [String: String]

    init() throws {
        sshd = try SSHServer()
        home = try ClientHome(trusting: sshd)
        logs = try TemporaryDirectory()
        environment = home.environment.merging(["SLUICE_STORE": home.directory.file("store.json")]) { $1 }
    }

    func sluice(_ arguments: String..., environment extra: [String: String] = [:], expect status: Int32 = 0) throws -> Command.Result {
        let result = try SluiceBinary.run(arguments, environment: environment.merging(extra) { $1 })
        #expect(result.status == status, "sluice \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        return result
    }

    func writeConfig(port: Int, forward: String) throws {
        try home.directory.write(".ssh/config", """
            Host tunnel
              HostName 127.0.0.1
              Port \(port)
              User \(CurrentUser.name)
              LocalForward \(forward)

            """)
    }

    @Test func theAliasIsKeptAndTheConfigOfTheMomentIsUsed() throws {
        let echo = try TCPTestServer(mode: .echo)
        let local = try LoopbackPort.free()
        let closed = try ClosedPort()
        defer { withExtendedLifetime(closed) {} }
        // At import time the config points at a port where nothing listens.
        try writeConfig(port: closed.port, forward: "\(local) 127.0.0.1:\(echo.port)")
        let imported = try sluice("import-ssh-config")
        #expect(imported.stderr.contains("Added tunnel with 1 forward."), "\(imported.stderr)")
        #expect(imported.stderr.contains("Saved by alias: Sluice reads ~/.ssh/config at each connect"), "\(imported.stderr)")
        let server = try Store(path: home.directory.file("store.json")).load().server(named: "tunnel")
        #expect(server.address.description == "tunnel")
        #expect(server.identityFile == nil)
        #expect(server.jumpHost == nil)
        #expect(try sluice("list").stdout.hasPrefix("tunnel  tunnel (ssh config: \(CurrentUser.name)@127.0.0.1:\(closed.port))\n"))

        // The config is fixed after the import: list and the engine follow it.
        try writeConfig(port: sshd.port, forward: "\(local) 127.0.0.1:\(echo.port)")
        #expect(try sluice("list").stdout.hasPrefix("tunnel  tunnel (ssh config: \(CurrentUser.name)@127.0.0.1:\(sshd.port))\n"))
        let up = try ChildProcess(SluiceBinary.path, ["up"], environment: environment, stdout: logs.file("stdout"), stderr: logs.file("stderr"))
        let stderr = { (try? logs.read("stderr")) ?? "" }
        #expect(logs.waitUntil("stderr", contains: "Forwarding 127.0.0.1:\(local) -> 127.0.0.1:\(echo.port) via tunnel"), "\(stderr())")
        #expect(TCPTestClient.echo(port: local, bytes: 1 << 20, seed: 13).exact, "\(stderr())")
        up.signal(SIGINT)
        #expect(up.wait(timeout: 20) == 0, "\(stderr())")
    }

    @Test func resolveSavesTheAddressOfTheMoment() throws {
        try writeConfig(port: sshd.port, forward: "15432 127.0.0.1:5432")
        let imported = try sluice("import-ssh-config", "--resolve")
        #expect(imported.stderr == "Added tunnel with 1 forward.\n")
        let server = try Store(path: home.directory.file("store.json")).load().server(named: "tunnel")
        #expect(server.address.description == "\(CurrentUser.name)@127.0.0.1:\(sshd.port)")
        // Nothing in the config applies to the saved address: one column.
        #expect(try sluice("list").stdout.hasPrefix("tunnel  \(CurrentUser.name)@127.0.0.1:\(sshd.port)\n  on  L15432"))
    }

    /// The engine reads only ~/.ssh/config: hosts of another file would be
    /// aliases it cannot find, so they are saved resolved, and it says so.
    @Test func anotherFileIsImportedResolved() throws {
        let other = try home.directory.write("other_config", "Host elsewhere\n  HostName 127.0.0.1\n  Port \(sshd.port)\n")
        let imported = try sluice("import-ssh-config", "--file", other)
        #expect(imported.stderr == "Added elsewhere with 0 forwards.\nSaved with the addresses \(other) gives now: Sluice looks aliases up only in ~/.ssh/config.\n")
        #expect(try Store(path: home.directory.file("store.json")).load().server(named: "elsewhere").address.description == "127.0.0.1:\(sshd.port)")
        // The same file by its own path is the engine's: aliases kept.
        try FileManager.default.moveItem(atPath: other, toPath: home.directory.file(".ssh/config"))
        _ = try sluice("server", "remove", "elsewhere")
        _ = try sluice("import-ssh-config", "--file", "~/.ssh/config")
        #expect(try Store(path: home.directory.file("store.json")).load().server(named: "elsewhere").address.description == "elsewhere")
    }
}
