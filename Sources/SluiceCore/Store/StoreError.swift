/// A problem with the store file itself. Every message says which file, what
/// is wrong and where, and that nothing in it was changed.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file is not valid JSON.
    case malformed(path: String, at: TextPosition, problem: String)
    /// The file is JSON but not a store Sluice can read.
    case invalid(path: String, at: TextPosition, problem: String)
    /// A newer Sluice wrote it; this one must not rewrite it in an older format.
    case newerVersion(path: String, version: Int)
    /// Not a file Sluice reads: a FIFO, a device, a folder, or too large.
    case unusable(path: String, reason: String)
    case unreadable(path: String, reason: String)
    case unwritable(path: String, reason: String)

    public var description: String {
        let untouched = "Sluice has not changed it and will not write to it until it is fixed"
        let shown = TerminalText.path
        switch self {
        case let .malformed(path, position, problem):
            return "the store \(shown(path)) is not valid JSON at \(position): \(problem). \(untouched) (or moved away to start afresh)."
        case let .invalid(path, position, problem):
            return "the store \(shown(path)) has a problem at \(position): \(problem). \(untouched)."
        case let .newerVersion(path, version):
            return "the store \(shown(path)) has format version \(version), written by a newer Sluice (this one reads version \(StoreDocument.currentVersion)). Upgrade Sluice, or use another file with --store."
        case let .unusable(path, reason):
            return "the store \(shown(path)) cannot be used: \(reason). Sluice has not changed it; point --store (or $SLUICE_STORE) at Sluice's JSON file, by default ~/.config/sluice/forwards.json."
        case let .unreadable(path, reason):
            return "cannot read the store \(shown(path)): \(reason)"
        case let .unwritable(path, reason):
            return "cannot save the store \(shown(path)): \(reason). The previous contents are intact."
        }
    }
}
