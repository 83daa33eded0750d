import Foundation

/// Where this sluice binary lies, read from /proc/self/exe: not `argv[0]`,
/// which may be a bare name found on PATH or a symlink.
struct OwnExecutable {
    /// The binary's absolute path.
    let path: String
    /// Replaced at that path since this process started (an upgrade): the
    /// file at `path` is then the new binary, not the one running.
    let replaced: Bool

    static let deletedSuffix = " (deleted)"

    /// Nil when /proc cannot tell (not mounted).
    static func find() -> OwnExecutable? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return nil }
        let link = String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard link.hasSuffix(deletedSuffix) else { return OwnExecutable(path: link, replaced: false) }
        return OwnExecutable(path: String(link.dropLast(deletedSuffix.count)), replaced: true)
    }
}
