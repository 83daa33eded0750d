import Foundation

/// Reads a whole file with plain open/read, so that errors carry the
/// system's own words ("No such file or directory").
///
/// Only a regular file of at most `limit` bytes is read: a FIFO would keep
/// the reader waiting forever, and a device such as /dev/zero never ends
/// (an `Include /dev/zero` once grew Sluice to 17 GB). The one exception is
/// /dev/null, which reads as empty, as it does for OpenSSH: users point a
/// config path at it to mean "nothing here".
public enum TextFile {
    /// Far more than any store or ssh config a person keeps.
    public static let sizeLimit = 16 << 20

    public static func read(_ path: String, limit: Int = sizeLimit) throws(TextFileError) -> [UInt8] {
        // O_NONBLOCK: opening a FIFO must not wait for a writer before fstat
        // can tell what it is.
        let fd: Int32
        do {
            fd = try valueOrErrno("open", path: path) { open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC) }
        } catch {
            throw .system(error)
        }
        defer { close(fd) }
        var info = stat()
        do {
            _ = try valueOrErrno("examine", path: path) { fstat(fd, &info) }
        } catch {
            throw .system(error)
        }
        if Self.isNullDevice(info) { return [] }
        if let kind = Self.kind(of: info.st_mode) { throw .notAFile(path: path, kind: kind) }
        guard info.st_size <= limit else { throw .tooLarge(path: path, limit: limit) }
        // Room for one byte past the limit, so that a file that grew since
        // fstat (or a /proc file, whose size reads as 0) is still caught
        // without reading all of it.
        var bytes = [UInt8](repeating: 0, count: min(Int(info.st_size), limit) + 1)
        var filled = 0
        while true {
            if filled == bytes.count {
                guard filled <= limit else { throw .tooLarge(path: path, limit: limit) }
                bytes += [UInt8](repeating: 0, count: min(bytes.count, limit + 1 - bytes.count))
            }
            let count: Int
            do {
                count = try valueOrErrno("read", path: path) {
                    bytes.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress! + filled, $0.count - filled) }
                }
            } catch {
                throw .system(error)
            }
            if count == 0 { return Array(bytes[..<filled]) }
            filled += count
        }
    }

    /// The file as UTF-8 text, or nil if it is not UTF-8.
    public static func readText(_ path: String, limit: Int = sizeLimit) throws(TextFileError) -> String? {
        let bytes = try read(path, limit: limit)
        return String(validating: bytes, as: UTF8.self)
    }

    /// True when `path` names nothing or a regular file: what a writer may
    /// replace. Lets it refuse anything else (/dev/null included) before it
    /// creates files beside it.
    public static func isRegularFileOrAbsent(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return errno == ENOENT }
        return kind(of: info.st_mode) == nil
    }

    /// What a non-regular file is, in words; nil for a regular file.
    private static func kind(of mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFDIR: return "a folder"
        case S_IFSOCK: return "a socket"
        default: return "a special file"
        }
    }

    /// /dev/null itself, or another name for it: the same character device.
    private static func isNullDevice(_ info: stat) -> Bool {
        guard info.st_mode & S_IFMT == S_IFCHR else { return false }
        var null = stat()
        return stat("/dev/null", &null) == 0 && null.st_mode & S_IFMT == S_IFCHR && null.st_rdev == info.st_rdev
    }
}
