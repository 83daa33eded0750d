import Foundation
import SluiceTestSupport
import Testing

/// A bind address that only looks like loopback gets the warning.
@Suite struct LoopbackWarningTests {
    @Test func aNameStartingWith127IsReachableFromTheNetwork() throws {
        let home = try TemporaryDirectory(prefix: "sluice-loopback")
        let environment = ["HOME": home.path, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"]
        _ = try SluiceBinary.run(["server", "add", "db", "db"], environment: environment)
        for (spec, name) in [("127.evil.example.com:1080", "D1080"), ("127..0.1:1081", "D1081")] {
            let added = try SluiceBinary.run(["add", "db", "-D", spec], environment: environment)
            #expect(added.status == 0, "\(added.stderr)")
            #expect(added.stderr.contains("sluice: warning: db/\(name) listens on \(spec), reachable from your network."), "\(added.stderr)")
        }
        let loopback = try SluiceBinary.run(["add", "db", "-D", "127.0.0.2:1082"], environment: environment)
        #expect(!loopback.stderr.contains("warning"), "\(loopback.stderr)")
        let list = try SluiceBinary.run(["list"], environment: environment).stdout
        #expect(list.components(separatedBy: "! reachable from your network").count == 3, "\(list)")
    }
}
