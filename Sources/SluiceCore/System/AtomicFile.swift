import Foundation

/// Replaces a file so that readers see the old contents or the new, never a
/// mix, even if the machine stops half-way: a temporary file in the same
/// folder, flushed to disk, then renamed over the old one.
public enum AtomicFile {
    public static func write(_ text: String, to path: String, mode: mode_t = 0o600) throws(SystemError) {
        let target = resolvingSymlink(path)
        let folder = (target as NSString).deletingLastPathComponent
        let (fd, temporary) = try createTemporary(beside: target)
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
        let folderFD = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folderFD >= 0 {
            fsync(folderFD)
            close(folderFD)
        }
    }

    /// The letters of a temporary file's suffix, as mkstemp uses them.
    private static let suffixLetters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".unicodeScalars)

    /// `mkostemp(".<name>.XXXXXX", O_CLOEXEC)`, which Swift's Glibc does not
    /// export: close-on-exec, so that a child started meanwhile (ssh for a
    /// jump host) never inherits the half-written store.
    private static func createTemporary(beside target: String) throws(SystemError) -> (fd: Int32, path: String) {
        let folder = (target as NSString).deletingLastPathComponent
        let prefix = "\(folder.isEmpty ? "." : folder)/.\((target as NSString).lastPathComponent)."
        var generator = SystemRandomNumberGenerator()
        while true {
            var suffix = String.UnicodeScalarView()
            for _ in 0..<6 { suffix.append(suffixLetters.randomElement(using: &generator)!) }
            let candidate = prefix + String(suffix)
            let fd = open(candidate, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            if fd >= 0 { return (fd, candidate) }
            let code = errno
            // Another file has this name: draw again, as mkstemp does.
            if code == EEXIST || code == EINTR { continue }
            throw SystemError(operation: "create a temporary file in", path: folder, code: code)
        }
    }

    /// Removes the temporary files a writer killed mid-write (kill -9, a
    /// power cut) left beside `path`: exactly `.<name>.` and six letters or
    /// digits, as `createTemporary` makes them. Only call it while holding the
    /// lock that every writer takes, so that no live writer's file is
    /// among them. Best effort: a file that cannot be removed stays, as it
    /// would have anyway.
    public static func removeLeftovers(of path: String) {
        let target = resolvingSymlink(path)
        let folder = (target as NSString).deletingLastPathComponent
        let prefix = ".\((target as NSString).lastPathComponent)."
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.isEmpty ? "." : folder) else { return }
        for name in names where name.hasPrefix(prefix) && isTemporarySuffix(name.dropFirst(prefix.count)) {
            let leftover = folder.isEmpty ? name : folder + "/" + name
            var info = stat()
            // Never a folder or a link someone named like one.
            guard lstat(leftover, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
            unlink(leftover)
        }
    }

    private static func isTemporarySuffix(_ suffix: Substring) -> Bool {
        suffix.unicodeScalars.count == 6 && suffix.unicodeScalars.allSatisfy(suffixLetters.contains)
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
