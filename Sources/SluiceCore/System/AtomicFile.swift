import Foundation

/// Replaces a file so that readers see the old contents or the new, never a
/// mix, even if the machine stops half-way: a temporary file in the same
/// folder, flushed to disk, then renamed over the old one.
public enum AtomicFile {
    public static func write(_ text: String, to path: String, mode: mode_t = 0o600) throws(SystemError) {
        let target = resolvingSymlink(path)
        let folder = (target as NSString).deletingLastPathComponent
        var template = Array("\(folder.isEmpty ? "." : folder)/.\((target as NSString).lastPathComponent).XXXXXX".utf8CString)
        let fd = try valueOrErrno("create a temporary file in", path: folder) { mkstemp(&template) }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var renamed = false
        defer {
            if !renamed { unlink(temporary) }
        }
        do {
            defer { close(fd) }
            _ = try valueOrErrno("set the mode of", path: temporary) { fchmod(fd, mode) }
            try writeAll(Array(text.utf8), to: fd, path: temporary)
            _ = try valueOrErrno("flush", path: temporary) { fsync(fd) }
        }
        _ = try valueOrErrno("rename over", path: target) { rename(temporary, target) }
        renamed = true
        // The rename itself lives in the folder; flush it too so it survives a crash.
        let folderFD = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY)
        if folderFD >= 0 {
            fsync(folderFD)
            close(folderFD)
        }
    }

    /// Writing through a symlink keeps the user's link (e.g. into a dotfiles
    /// repository) instead of replacing it with a plain file.
    static func resolvingSymlink(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func writeAll(_ bytes: [UInt8], to fd: Int32, path: String) throws(SystemError) {
        var offset = 0
        while offset < bytes.count {
            let result = bytes.withUnsafeBytes { buffer in
                Result { () throws(SystemError) in
                    try valueOrErrno("write", path: path) { Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset) }
                }
            }
            offset += try result.get()
        }
    }
}
