import SluiceCore

/// A yes/no question the screen asks before something that cannot be undone.
public enum Confirmation: Sendable, Equatable {
    case deleteServer(String, forwards: Int)
    case deleteForward(ForwardReference)
    /// `up` forwards would close.
    case quit(up: Int)

    public var question: String {
        switch self {
        case let .deleteServer(name, forwards):
            return forwards == 0 ? "Delete server \(name)?" : "Delete server \(name) and its \(forwards) forward\(forwards == 1 ? "" : "s")?"
        case .deleteForward(let reference):
            return "Delete forward \(reference)?"
        case .quit(let up):
            return "\(up) forward\(up == 1 ? " is" : "s are") up. Quit and close \(up == 1 ? "it" : "them")?"
        }
    }

    public var detail: String {
        switch self {
        case .deleteServer, .deleteForward:
            return "Open connections through it are closed."
        case .quit:
            return "They are saved as on and come back when you start sluice again."
        }
    }
}
