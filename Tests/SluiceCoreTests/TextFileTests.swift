import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

@Suite struct TextFileTests {
    @Test func readsARegularFileWhole() throws {
        let folder = try TemporaryDirectory()
        let path = try folder.write("f", "Host a\n  HostName a.example.com\n")
        #expect(try TextFile.readText(path) == "Host a\n  HostName a.example.com\n")
        #expect(try TextFile.read(folder.write("empty", "")) == [])
    }

    @Test func devNullAndLinksToItReadAsEmpty() throws {
        let folder = try TemporaryDirectory()
        symlink("/dev/null", folder.file("config"))
        #expect(try TextFile.read("/dev/null") == [])
        #expect(try TextFile.read(folder.file("config")) == [])
        #expect(!TextFile.isRegularFileOrAbsent("/dev/null"))
    }

    @Test func devicesAndFoldersAreRefusedWithWhatTheyAre() throws {
        let folder = try TemporaryDirectory()
        #expect(throws: TextFileError.notAFile(path: "/dev/zero", kind: "a character device")) { try TextFile.read("/dev/zero") }
        #expect(throws: TextFileError.notAFile(path: folder.path, kind: "a folder")) { try TextFile.read(folder.path) }
        #expect(TextFileError.notAFile(path: "/dev/zero", kind: "a character device").reason == "it is a character device, not a file")
        #expect(!TextFile.isRegularFileOrAbsent("/dev/zero"))
        #expect(!TextFile.isRegularFileOrAbsent(folder.path))
        #expect(TextFile.isRegularFileOrAbsent(folder.file("absent")))
        #expect(TextFile.isRegularFileOrAbsent(try folder.write("plain", "")))
    }

    /// Reading a FIFO is tested by running the binary with a timeout
    /// (UnusableFileTests): a regression would block, and must not block
    /// the test process itself.
    @Test func aFIFOIsNotAFileToWriteBeside() throws {
        let folder = try TemporaryDirectory()
        #expect(mkfifo(folder.file("fifo"), 0o600) == 0)
        #expect(!TextFile.isRegularFileOrAbsent(folder.file("fifo")))
    }

    @Test func aFileOverTheLimitIsRefusedAndOneAtTheLimitIsRead() throws {
        let folder = try TemporaryDirectory()
        let path = try folder.write("f", "0123456789")
        #expect(try TextFile.read(path, limit: 10).count == 10)
        #expect(throws: TextFileError.tooLarge(path: path, limit: 9)) { try TextFile.read(path, limit: 9) }
        #expect(TextFileError.tooLarge(path: path, limit: TextFile.sizeLimit).reason == "it is larger than 16 MiB, more than Sluice reads")
        // The real limit, on a sparse file one byte over it.
        let big = folder.file("big")
        #expect(truncate(try folder.write("big", ""), off_t(TextFile.sizeLimit + 1)) == 0)
        #expect(throws: TextFileError.tooLarge(path: big, limit: TextFile.sizeLimit)) { try TextFile.read(big) }
    }

    /// Files in /proc are regular but report a size of 0: the limit must
    /// hold while reading, not only by the size fstat gave.
    @Test func aFileLargerThanItsReportedSizeIsReadWithinTheLimit() throws {
        let status = try TextFile.read("/proc/self/status")
        #expect(status.count > 100)
        #expect(throws: TextFileError.tooLarge(path: "/proc/self/status", limit: 50)) { try TextFile.read("/proc/self/status", limit: 50) }
    }

    @Test func aMissingFileSaysSoInTheSystemsWords() {
        #expect {
            try TextFile.read("/nonexistent/sluice")
        } throws: { error in
            guard let error = error as? TextFileError else { return false }
            return error.code == ENOENT && error.reason == "No such file or directory"
        }
    }
}
