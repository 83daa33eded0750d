import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

/// A store or ssh config that is not a file Sluice can read (a device, a
/// FIFO, something huge, not UTF-8): a clear message and exit status 65,
/// never a hang or a machine's worth of memory. Every run has a timeout.
@Suite struct UnusableFileTests {
    let home: TemporaryDirectory
    let environment: [String: String]

    init() throws {
        home = try TemporaryDirectory(prefix: "sluice-unusable")
        environment = ["HOME": home.path, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"]
    }

    func sluice(_ arguments: [String], expect status: Int32) throws -> Command.Result {
        let result = try SluiceBinary.run(arguments, environment: environment, timeout: 30)
        #expect(result.status == status, "sluice \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        return result
    }

    @Test func devZeroAsTheStoreIsRefused() throws {
        for arguments in [["list"], ["server", "add", "db", "db"], ["up"]] {
            let result = try sluice(arguments + ["--store", "/dev/zero"], expect: 65)
            #expect(result.stderr.hasPrefix("sluice: the store /dev/zero cannot be used: it is a character device, not a file. Sluice has not changed it"), "\(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: "/dev/zero.lock"))
    }

    /// /dev/null reads as an empty file, which is no store: refused as
    /// one, and nothing is made beside it in /dev.
    @Test func devNullAsTheStoreIsAnEmptyFileNotAStore() throws {
        for arguments in [["list"], ["server", "add", "db", "db"]] {
            let result = try sluice(arguments + ["--store", "/dev/null"], expect: 65)
            #expect(result.stderr.hasPrefix("sluice: the store /dev/null is not valid JSON at line 1, column 1"), "\(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: "/dev/null.lock"))
    }

    @Test func aFIFOAsTheStoreIsRefusedWithoutWaiting() throws {
        let fifo = home.file("forwards.json")
        #expect(mkfifo(fifo, 0o600) == 0)
        for arguments in [["list"], ["add", "db", "-L", "5432"], ["import-ssh-config", "--file", "/dev/null"]] {
            let result = try sluice(arguments + ["--store", fifo], expect: 65)
            #expect(result.stderr.contains("the store \(fifo) cannot be used: it is a FIFO (named pipe), not a file"), "\(result.stderr)")
        }
        // Nothing was made beside it, not even the lock file.
        #expect(try FileManager.default.contentsOfDirectory(atPath: home.path) == ["forwards.json"])
    }

    @Test func aStoreOverSixtyFourMebibytesIsRefusedAndKept() throws {
        let path = try home.write("forwards.json", "")
        #expect(truncate(path, off_t(Store.defaultSizeLimit + 1)) == 0)
        let result = try sluice(["server", "add", "db", "db", "--store", path], expect: 65)
        #expect(result.stderr.contains("the store \(path) cannot be used: it is larger than 64 MiB, more than Sluice reads"), "\(result.stderr)")
        var info = stat()
        #expect(stat(path, &info) == 0 && info.st_size == off_t(Store.defaultSizeLimit + 1))
    }

    @Test func devZeroAsTheSSHConfigIsRefused() throws {
        let result = try sluice(["import-ssh-config", "--file", "/dev/zero"], expect: 65)
        #expect(result.stderr == "sluice: cannot use the ssh config /dev/zero: it is a character device, not a file; name a plain text ssh config with --file\n")
        #expect(!FileManager.default.fileExists(atPath: home.file(".config/sluice/forwards.json")))
    }

    @Test func anSSHConfigThatIsNotUTF8IsBadData() throws {
        let path = home.file("config")
        try Data([0x48, 0x6F, 0x73, 0x74, 0x20, 0xFF, 0xFE, 0x0A]).write(to: URL(fileURLWithPath: path))
        let result = try sluice(["import-ssh-config", "--file", path], expect: 65)
        #expect(result.stderr.contains("cannot use the ssh config \(path): it is not UTF-8 text"), "\(result.stderr)")
    }

    @Test func anSSHConfigOverSixteenMebibytesIsRefused() throws {
        let path = try home.write("config", "")
        #expect(truncate(path, off_t(TextFile.sizeLimit + 1)) == 0)
        let result = try sluice(["import-ssh-config", "--file", path], expect: 65)
        #expect(result.stderr.contains("cannot use the ssh config \(path): it is larger than 16 MiB"), "\(result.stderr)")
    }

    /// An Include of a FIFO or a device is skipped with a warning naming
    /// the Include line, as an unreadable file is; the rest is imported.
    @Test func includesOfAFIFOOrADeviceAreSkippedWithAWarning() throws {
        let config = try home.write(".ssh/config", """
            Include fifo
            Include /dev/zero
            Host db
              HostName db.example.com

            """)
        #expect(mkfifo(home.file(".ssh/fifo"), 0o600) == 0)
        let result = try sluice(["import-ssh-config"], expect: 0)
        #expect(result.stderr.contains("sluice: warning: \(config):1: cannot read included file \(home.file(".ssh/fifo")): it is a FIFO (named pipe), not a file"), "\(result.stderr)")
        #expect(result.stderr.contains("sluice: warning: \(config):2: cannot read included file /dev/zero: it is a character device, not a file"), "\(result.stderr)")
        #expect(result.stderr.contains("Added db with 0 forwards."))
    }
}
