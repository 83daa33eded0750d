import Foundation

/// Reads a whole file with plain open/read, so that errors carry the
/// system's own words ("No such file or directory") and character devices
/// such as /dev/null read as empty, as they do for OpenSSH.
public enum TextFile {
    public static func read(_ path: String) throws(SystemError) -> [UInt8] {
        let fd = try valueOrErrno("open", path: path) { open(path, O_RDONLY | O_CLOEXEC) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = try valueOrErrno("read", path: path) { Foundation.read(fd, &chunk, chunk.count) }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[..<count])
        }
    }

    /// The file as UTF-8 text, or nil if it is not UTF-8.
    public static func readText(_ path: String) throws(SystemError) -> String? {
        let bytes = try read(path)
        return String(validating: bytes, as: UTF8.self)
    }
}
