import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

/// `sluice service install`, the built binary in a temporary HOME, its
/// units checked by systemd's own reader.
@Suite struct ServiceInstallTests {
    static let systemdAnalyze = "/usr/bin/systemd-analyze"
    static let hasSystemdAnalyze = FileManager.default.isExecutableFile(atPath: systemdAnalyze)

    let home: TemporaryDirectory
    let environment: [String: String]
    var unitPath: String { home.file(".config/systemd/user/sluice.service") }

    init() throws {
        home = try TemporaryDirectory(prefix: "sluice-service")
        environment = ["HOME": home.path, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"]
    }

    @discardableResult
    func sluice(_ arguments: [String], binary: String = SluiceBinary.path, environment extra: [String: String] = [:],
                expect status: Int32 = 0) throws -> Command.Result {
        let result = try Command(binary, arguments, environment: environment.merging(extra) { $1 }).run()
        #expect(result.status == status, "sluice \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        return result
    }

    /// The built sluice, also at `folder`/sluice: a hard link where it can
    /// be, since a copy being written while another test starts a child
    /// can leave the child holding it open, and exec refuses a file open
    /// for writing ("Text file busy").
    func placeBinary(in folder: String) throws -> String {
        let binary = folder + "/sluice"
        if link(SluiceBinary.path, binary) != 0 {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: SluiceBinary.path))
            let fd = open(binary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o755)
            guard fd >= 0 else { throw TestSupportError("cannot create \(binary): \(String(cString: strerror(errno)))") }
            defer { close(fd) }
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard written == bytes.count else { throw TestSupportError("cannot write \(binary)") }
        }
        return binary
    }

    /// The ExecStart= line of `unit`.
    func execStart(_ unit: String) -> String {
        unit.split(separator: "\n").first { $0.hasPrefix("ExecStart=") }.map { String($0.dropFirst("ExecStart=".count)) } ?? ""
    }

    /// `systemd-analyze --user verify` of `unit` saved as sluice.service, in
    /// a private HOME and runtime folder (the user manager it starts wants
    /// one), so that nothing of this machine's user units is read. Its
    /// warnings count as failures: it exits 0 on an unknown escape or a
    /// setting it ignores.
    func verify(_ unit: String) throws -> Command.Result {
        let scratch = try TemporaryDirectory(prefix: "sluice-verify")
        try FileManager.default.createDirectory(atPath: scratch.file("runtime"), withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let file = try scratch.write("sluice.service", unit)
        return try Command(Self.systemdAnalyze, ["--user", "verify", file],
                           environment: ["HOME": scratch.path, "XDG_RUNTIME_DIR": scratch.file("runtime"), "PATH": "/usr/bin:/bin"]).run()
    }

    @Test(.enabled(if: hasSystemdAnalyze, "systemd-analyze is not installed (Debian: systemd)"))
    func thePrintedUnitPassesSystemdAnalyzeVerify() throws {
        let unit = try sluice(["service", "install", "--print"]).stdout
        let verified = try verify(unit)
        #expect(verified.status == 0 && verified.stderr.isEmpty && verified.stdout.isEmpty, "\(verified.stderr)\(verified.stdout)\n\(unit)")
        #expect(!FileManager.default.fileExists(atPath: home.file(".config")), "--print wrote something")
    }

    /// The check is strict enough to catch what careless quoting writes.
    @Test(.enabled(if: hasSystemdAnalyze, "systemd-analyze is not installed (Debian: systemd)"))
    func verifyCatchesBadQuoting() throws {
        let unit = try sluice(["service", "install", "--print"]).stdout
        let line = "ExecStart=" + execStart(unit)
        for bad in [line + " --store /tmp/100%x.json", line + #" --store "/tmp/a\qb.json""#, "ExecStart=\"\(SluiceBinary.path)x\" up"] {
            let result = try verify(unit.replacingOccurrences(of: line, with: bad))
            #expect(result.status != 0 || !result.stderr.isEmpty, "\(bad) passed")
        }
    }

    /// systemd checks that the program exists after it has undone the
    /// quoting: a binary in a folder named with the characters systemd
    /// treats specially (those it allows in a program's path) is found, so
    /// its path came back whole; the store path's escapes and specifiers
    /// are read without complaint (SystemdQuotingTests reads them back to
    /// the character).
    @Test(.enabled(if: hasSystemdAnalyze, "systemd-analyze is not installed (Debian: systemd)"))
    func weirdPathsSurviveSystemdsQuoting() throws {
        let folder = home.file("my bin 100%x $HOME ${X} ;s\u{202E}")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let binary = try placeBinary(in: folder)
        let store = home.file(#"my "odd" store/100%x $HOME ${X} \q 'it';s"# + "\n\u{200B}.json")
        let unit = try sluice(["service", "install", "--print", "--store", store], binary: binary).stdout
        #expect(execStart(unit).hasSuffix(#" up --store ""# + home.path + #"/my \"odd\" store/100%%x $$HOME $${X} \\q 'it';s\n\u200b.json""#), "\(unit)")
        let verified = try verify(unit)
        #expect(verified.status == 0 && verified.stderr.isEmpty, "\(verified.stderr)\n\(unit)")
    }

    @Test func aBinarySystemdCannotRunIsRefused() throws {
        let folder = home.file(#"it's "here""#)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let refused = try sluice(["service", "install"], binary: try placeBinary(in: folder), expect: 1)
        #expect(refused.stderr.contains("systemd runs no program whose path holds quotes"), "\(refused.stderr)")
        #expect(refused.stderr.contains("make install"))
        #expect(!FileManager.default.fileExists(atPath: unitPath))
    }

    @Test func installWritesTheUnitReadableByAllAndSaysHowToStartIt() throws {
        let printed = try sluice(["service", "install", "--print"]).stdout
        let installed = try sluice(["service", "install"])
        #expect(installed.stdout.isEmpty)
        #expect(installed.stderr.contains("Wrote \(unitPath)."))
        #expect(installed.stderr.contains("systemctl --user daemon-reload && systemctl --user enable --now sluice.service\n"))
        #expect(installed.stderr.contains("loginctl enable-linger $USER"))
        #expect(try String(contentsOfFile: unitPath, encoding: .utf8) == printed)
        var info = stat()
        #expect(stat(unitPath, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o644)
        #expect(try FileManager.default.contentsOfDirectory(atPath: home.file(".config/systemd/user")) == ["sluice.service"])

        let realBinary = try #require(realpath(SluiceBinary.path, nil))
        defer { free(realBinary) }
        #expect(execStart(printed) == String(cString: realBinary) + " up")
        #expect(printed.contains("\nRestart=on-failure\n"))
    }

    @Test func aSecondInstallSaysItIsAlreadyInstalledAndLeavesTheFile() throws {
        try sluice(["service", "install"])
        var before = stat()
        stat(unitPath, &before)
        let again = try sluice(["service", "install"])
        #expect(again.stderr.hasPrefix("\(unitPath) is already installed, unchanged.\n"))
        var after = stat()
        stat(unitPath, &after)
        #expect(after.st_ino == before.st_ino)
    }

    @Test func aDifferentUnitIsReplacedOnlyWithForce() throws {
        let mine = "[Service]\nExecStart=/usr/bin/sluice up\n"
        try home.write(".config/systemd/user/sluice.service", mine)
        let refused = try sluice(["service", "install"], expect: 64)
        #expect(refused.stderr.contains("sluice: \(unitPath) already holds a different unit. Line 1:\n"), "\(refused.stderr)")
        #expect(refused.stderr.contains("  there now:      [Service]\n"))
        #expect(refused.stderr.contains("--force"))
        #expect(try String(contentsOfFile: unitPath, encoding: .utf8) == mine)

        let forced = try sluice(["service", "install", "--force"])
        #expect(forced.stderr.contains("Replaced \(unitPath)"))
        #expect(try String(contentsOfFile: unitPath, encoding: .utf8) == (try sluice(["service", "install", "--print"]).stdout))
    }

    @Test func theUnitNamesTheStoreOnlyWhenItIsNotTheOneUpFindsByItself() throws {
        let line = { (arguments: [String], extra: [String: String]) in
            self.execStart(try self.sluice(["service", "install", "--print"] + arguments, environment: extra).stdout)
        }
        #expect(try line([], [:]).hasSuffix("/sluice up"))
        #expect(try line(["--store", "~/.config/sluice/forwards.json"], [:]).hasSuffix("/sluice up"))
        #expect(try line(["--store", "~/s.json"], [:]).hasSuffix(" up --store \(home.path)/s.json"))
        #expect(try line([], ["SLUICE_STORE": home.file("env.json")]).hasSuffix(" up --store \(home.path)/env.json"))
        #expect(try line([], ["XDG_CONFIG_HOME": home.file("xdg")]).hasSuffix(" up --store \(home.path)/xdg/sluice/forwards.json"))

        let relative = try Command("/usr/bin/env", ["-C", home.path, SluiceBinary.path, "service", "install", "--print", "--store", "./a/s.json"],
                                   environment: environment).run()
        #expect(execStart(relative.stdout).hasSuffix(" up --store \(home.path)/a/s.json"), "\(relative.stderr)")
    }

    @Test func theUnitGoesUnderXDGConfigHome() throws {
        let xdg = home.file("xdg")
        try sluice(["service", "install"], environment: ["XDG_CONFIG_HOME": xdg])
        #expect(FileManager.default.fileExists(atPath: xdg + "/systemd/user/sluice.service"))
        #expect(!FileManager.default.fileExists(atPath: unitPath))
    }
}
