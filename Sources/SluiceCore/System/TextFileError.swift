/// Why a text file could not be read.
public enum TextFileError: Error, Equatable, Sendable {
    /// open or read failed; the system's own words say why.
    case system(SystemError)
    /// The path names something that is not a regular file: `kind` says
    /// what it is, e.g. "a FIFO (named pipe)".
    case notAFile(path: String, kind: String)
    /// The file holds more than `limit` bytes.
    case tooLarge(path: String, limit: Int)

    /// What went wrong, written to follow the file's name and a colon:
    /// "it is a FIFO (named pipe), not a file", "No such file or directory".
    public var reason: String {
        switch self {
        case .system(let error):
            return error.reason
        case let .notAFile(_, kind):
            return "it is \(kind), not a file"
        case let .tooLarge(_, limit):
            return "it is larger than \(limit >> 20) MiB, more than Sluice reads"
        }
    }

    /// The errno of a failed system call, else nil.
    public var code: Int32? {
        if case .system(let error) = self { return error.code }
        return nil
    }
}
