import Foundation
import SluiceCore

/// Names a stream's target in the words of a failure: "connection refused
/// by localhost:5432 in my-app/db", "cannot open network namespace
/// /var/run/netns/app1 for my-app/db: No such file or directory".
struct TargetDescription: Sendable {
    var route: ForwardRoute
    var location: ServiceLocation
    var connectTimeout: Double

    /// `localhost:5432 in my-app/db`, with the namespace when there is one.
    var shown: String {
        let host = location.connectHost.contains(":") ? "[\(location.connectHost)]" : location.connectHost
        let base = "\(host):\(route.port) in \(route.project)/\(route.service)"
        return location.namespacePath == nil ? base : "\(base) (\(location.shown))"
    }

    func connectFailure(errno code: Int32) -> TargetDialError {
        let words: String
        switch code {
        case ECONNREFUSED: words = "connection refused by"
        case ETIMEDOUT: words = "no answer within \(Self.seconds(connectTimeout)) from"
        case EHOSTUNREACH, ENETUNREACH: words = "no route to"
        default: words = "cannot connect (\(String(cString: strerror(code)))) to"
        }
        return TargetDialError(reason: "\(words) \(shown)")
    }

    func namespaceFailure(_ verb: String, path: String, errno code: Int32) -> TargetDialError {
        let hint = code == EPERM ? " (joining a namespace needs root, or CAP_SYS_ADMIN)" : ""
        return TargetDialError(reason: "cannot \(verb) network namespace \(TerminalText.path(path)) for \(route.project)/\(route.service): \(String(cString: strerror(code)))\(hint)")
    }

    func otherFailure(_ problem: String) -> TargetDialError {
        TargetDialError(reason: "cannot connect to \(shown): \(problem)")
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }
}
