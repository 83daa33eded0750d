import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

/// A forward told to listen on an address this machine does not have is
/// saved, with a warning that says so (not "reachable from your network",
/// which it never is). 192.0.2.1 is TEST-NET-1 (RFC 5737): no machine has it.
@Suite struct AbsentAddressTests {
    let home: TemporaryDirectory
    let environment: [String: String]

    init() throws {
        home = try TemporaryDirectory(prefix: "sluice-absent")
        environment = ["HOME": home.path, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"]
    }

    func sluice(_ arguments: String..., expect status: Int32 = 0) throws -> Command.Result {
        let result = try SluiceBinary.run(arguments, environment: environment)
        #expect(result.status == status, "sluice \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        return result
    }

    @Test func addAndEditWarnThatTheMachineHasNoSuchAddressAndSaveIt() throws {
        _ = try sluice("server", "add", "db", "db")
        let added = try sluice("add", "db", "-L", "192.0.2.1:8081:x:80")
        #expect(added.stderr == """
            Saved db/L8081: -L 192.0.2.1:8081:x:80 (192.0.2.1:8081 -> x:80).
            sluice: warning: db/L8081 cannot listen on 192.0.2.1:8081: this machine has no address 192.0.2.1. \
            Saved anyway, for when it has (a VPN that brings 192.0.2.1, say); until then it fails to come up.

            """)
        let socks = try sluice("add", "db", "-D", "1080")
        #expect(!socks.stderr.contains("warning"), "\(socks.stderr)")
        let edited = try sluice("edit", "db/D1080", "--spec", "192.0.2.1:1080")
        #expect(edited.stderr.contains("sluice: warning: db/D1080 cannot listen on 192.0.2.1:1080: this machine has no address 192.0.2.1."), "\(edited.stderr)")
        #expect(!edited.stderr.contains("reachable from your network"), "\(edited.stderr)")

        // Addresses it has still get the warning about the network; the
        // server's side of -R is the server's to decide.
        let everywhere = try sluice("add", "db", "-L", "0.0.0.0:8082:x:80")
        #expect(everywhere.stderr.contains("sluice: warning: db/L8082 listens on 0.0.0.0:8082, reachable from your network."), "\(everywhere.stderr)")
        let reverse = try sluice("add", "db", "-R", "192.0.2.1:8083:localhost:80")
        #expect(reverse.stderr.contains("GatewayPorts"), "\(reverse.stderr)")
        #expect(!reverse.stderr.contains("this machine has no address"), "\(reverse.stderr)")

        #expect(try Store(path: home.file(".config/sluice/forwards.json")).load().servers[0].forwards.map(\.spec.description)
            == ["-L 192.0.2.1:8081:x:80", "-D 192.0.2.1:1080", "-L 0.0.0.0:8082:x:80", "-R 192.0.2.1:8083:localhost:80"])
        let list = try sluice("list").stdout
        #expect(list.components(separatedBy: "! not an address of this machine").count == 3, "\(list)")
        #expect(list.contains("0.0.0.0:8082 -> x:80  ! reachable from your network"), "\(list)")
    }

    /// Nothing is saved by sluice forward: the engine's own words say why
    /// the listener cannot open, and no false warning comes before them.
    @Test func forwardLetsTheEngineSayItAndClaimsNoExposure() throws {
        let closed = try ClosedPort()
        let result = try sluice("forward", "\(CurrentUser.name)@127.0.0.1:\(closed.port)", "--connect-timeout", "1",
                                "-L", "192.0.2.1:\(try LoopbackPort.free()):x:80", expect: 1)
        #expect(result.stderr.contains("192.0.2.1 is not an address of this machine"), "\(result.stderr)")
        #expect(!result.stderr.contains("reachable from your network"), "\(result.stderr)")
        withExtendedLifetime(closed) {}
    }
}
