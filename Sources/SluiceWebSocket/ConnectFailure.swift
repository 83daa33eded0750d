import Foundation
import NIOCore
import NIOPosix

/// A failed TCP connect in the system's words, short and lower-case, for
/// the middle of a sentence ("cannot reach ... : connection refused").
enum ConnectFailure {
    static func words(for error: Error, host: String, timeout: Int) -> String {
        switch error {
        case let error as NIOConnectionError:
            if error.dnsAError != nil || error.dnsAAAAError != nil {
                return "cannot resolve \(host)"
            }
            if let first = error.connectionErrors.first {
                return words(for: first.error, host: host, timeout: timeout)
            }
            return "cannot resolve \(host)"
        case let error as IOError:
            return words(errno: error.errnoCode)
        case let error as ChannelError:
            if case .connectTimeout = error { return "no answer within \(timeout) s" }
            return "\(error)"
        case is SocketAddressError:
            return "cannot resolve \(host)"
        default:
            return "\(error)"
        }
    }

    static func words(errno code: Int32) -> String {
        switch code {
        case ECONNREFUSED: return "connection refused (nothing listens there)"
        case ETIMEDOUT: return "the connection timed out"
        case EHOSTUNREACH, ENETUNREACH: return "no route to it from this machine"
        default: return String(cString: strerror(code)).lowercased()
        }
    }
}
