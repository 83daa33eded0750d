import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

/// Number options that used to crash Sluice (an infinite or huge value
/// reached a conversion that traps): each is refused at the command line
/// with its range, exit status 64, before anything connects.
@Suite struct NumericOptionTests {
    let home: TemporaryDirectory
    let closed: ClosedPort
    let environment: [String: String]

    init() throws {
        home = try TemporaryDirectory(prefix: "sluice-numbers")
        closed = try ClosedPort()
        environment = ["HOME": home.path, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "SLUICE_STORE": home.file("store.json")]
        let port = closed.port
        // A saved, switched-on forward, so that a value that got through
        // would reach the engine (and, before the checks, crash it).
        let store = Store(path: home.file("store.json"))
        try store.update { document in
            try document.addServer(Server(name: "db", destination: try Destination(parsing: "127.0.0.1:\(port)")))
            try document.addForward(try ForwardSpec(parsing: "1", kind: .dynamic), to: "db")
        }
    }

    @Test(arguments: [
        (["up", "--keepalive", "inf"], "--keepalive must be a number of seconds from 0.1 to 3600 (got 'inf')"),
        (["up", "--keepalive", "1e10"], "--keepalive must be a number of seconds from 0.1 to 3600 (got '10000000000')"),
        (["up", "--keepalive", "nan"], "--keepalive must be a number of seconds from 0.1 to 3600 (got 'nan')"),
        (["up", "--keepalive", "0"], "--keepalive must be a number of seconds from 0.1 to 3600 (got '0')"),
        (["up", "--keepalive-count", "3000000000"], "--keepalive-count must be a whole number from 1 to 100 (got '3000000000')"),
        (["up", "--keepalive-count", "0"], "--keepalive-count must be a whole number from 1 to 100 (got '0')"),
        (["up", "--drain", "inf"], "--drain must be a number of seconds from 0 to 3600 (got 'inf')"),
        (["up", "--drain", "nan"], "--drain must be a number of seconds from 0 to 3600 (got 'nan')"),
        (["up", "--drain", "1e300"], "--drain must be a number of seconds from 0 to 3600 (got '1e+300')"),
        (["up", "--drain=-1"], "--drain must be a number of seconds from 0 to 3600 (got '-1')"),
        (["up", "--connect-timeout", "9999999999999"], "--connect-timeout must be a whole number of seconds from 1 to 3600 (got '9999999999999')"),
        (["forward", "127.0.0.1:1", "5432", "--connect-timeout", "9999999999999"], "--connect-timeout must be a whole number of seconds from 1 to 3600 (got '9999999999999')"),
        (["forward", "127.0.0.1:1", "5432", "--drain", "inf"], "--drain must be a number of seconds from 0 to 3600 (got 'inf')"),
        (["forward", "127.0.0.1:1", "5432", "--keepalive=-inf"], "--keepalive must be a number of seconds from 0.1 to 3600 (got '-inf')"),
        (["--keepalive", "inf"], "--keepalive must be a number of seconds from 0.1 to 3600 (got 'inf')"),
        (["--keepalive-count", "3000000000"], "--keepalive-count must be a whole number from 1 to 100 (got '3000000000')"),
    ])
    func outOfRangeNumbersAreRefusedWithTheRange(_ arguments: [String], _ message: String) throws {
        let result = try SluiceBinary.run(arguments, environment: environment, timeout: 30)
        #expect(result.status == 64, "sluice \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        #expect(result.stderr.split(separator: "\n").first == "Error: \(message)"[...], "\(result.stderr)")
    }

    /// The smallest and largest values of each range still work: with them
    /// `sluice up --exit-on-failure` gets as far as connecting (and fails
    /// there, as nothing listens).
    @Test(arguments: [
        ["--keepalive", "0.1", "--keepalive-count", "100", "--connect-timeout", "1", "--drain", "0"],
        ["--keepalive", "3600", "--keepalive-count", "1", "--connect-timeout", "3600", "--drain", "3600"],
        ["--keepalive", "2.5", "--drain", "0.5"],
    ])
    func valuesInRangeAreAccepted(_ options: [String]) throws {
        let result = try SluiceBinary.run(["up", "--exit-on-failure"] + options, environment: environment, timeout: 60)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("nothing could come up"), "\(result.stderr)")
    }
}
