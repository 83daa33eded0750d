import SluiceCore

/// A yes/no question the screen asks before something that cannot be undone.
public enum Confirmation: Sendable, Equatable {
    case deleteServer(String, forwards: Int)
    case deleteForward(ForwardReference)
    /// `on` forwards are switched on: keep them running without the screen?
    case quit(on: Int)

    public var question: String {
        switch self {
        case let .deleteServer(name, forwards):
            return forwards == 0 ? "Delete server \(name)?" : "Delete server \(name) and its \(forwards) forward\(forwards == 1 ? "" : "s")?"
        case .deleteForward(let reference):
            return "Delete forward \(reference)?"
        case .quit(let on):
            return "\(on) forward\(on == 1 ? " is" : "s are") on. Keep \(on == 1 ? "it" : "them") running in the background?"
        }
    }

    public var detail: String {
        switch self {
        case .deleteServer, .deleteForward:
            return "Open connections through it are closed."
        case .quit:
            return "sluice status shows them, sluice opens this screen on them again, sluice stop ends them."
        }
    }
}
