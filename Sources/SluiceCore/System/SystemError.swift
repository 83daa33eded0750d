import Foundation

/// A failed system call, with the file it was about.
public struct SystemError: Error, Equatable, Sendable, CustomStringConvertible {
    public var operation: String
    public var path: String?
    public var code: Int32

    public init(operation: String, path: String? = nil, code: Int32) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    /// The C library's words for the error, e.g. "Permission denied".
    public var reason: String { String(cString: strerror(code)) }

    public var description: String {
        "\(operation)\(path.map { " \(TerminalText.path($0))" } ?? ""): \(reason)\(hint.map { " (\($0))" } ?? "")"
    }

    /// What to do about the errors a user can do something about.
    private var hint: String? {
        switch code {
        case EMFILE: return "this process's descriptor limit is reached: close connections, or raise it with ulimit -n"
        case ENFILE: return "the system's descriptor limit is reached"
        default: return nil
        }
    }
}

/// The one place where a C call's -1 and errno become a Swift error, retrying
/// calls interrupted by a signal.
public func valueOrErrno<T: BinaryInteger>(_ operation: String, path: String? = nil, _ call: () -> T) throws(SystemError) -> T {
    while true {
        let result = call()
        if result != -1 { return result }
        let code = errno
        if code == EINTR { continue }
        throw SystemError(operation: operation, path: path, code: code)
    }
}
