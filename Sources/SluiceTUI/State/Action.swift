import Foundation
import SluiceCore

/// Everything that can change the screen's state: keys, the engine's news,
/// and the results of effects.
public enum Action: Sendable {
    /// A key, with the time it was read from the terminal (monotonic, so
    /// a change of the wall clock cannot shorten a question's guard).
    case key(Key, at: ContinuousClock.Instant)
    /// The terminal has this size now.
    case resized(width: Int, height: Int)
    /// The engine's status board, as of `at`.
    case status([ServerStatus], at: Date)
    /// Time passed: countdowns and rates move on.
    case tick(Date)
    /// The engine asks the user something; `id` goes back with the answer.
    /// `at` is when it arrived: the dialog opens then if none is open.
    case prompt(id: Int, server: String, Prompt, at: ContinuousClock.Instant)
    /// A question is no longer open: answered on another screen, or its
    /// server stopped. Its dialog closes.
    case promptWithdrawn(id: Int, at: ContinuousClock.Instant)
    /// Something about the engine the user should know ("the engine
    /// stopped; starting a new one"), for the event line and log.
    case engineNotice(String, isProblem: Bool)
    /// The store as saved (after our change) or as changed by someone else.
    case stored(StoreDocument)
    /// A save failed; `current` is the file as it is, if it can be read.
    case storeFailed(message: String, current: StoreDocument?)
    case portChecked(host: String, port: Int, problem: String?)
    /// The engine's list of a forward's open connections.
    case connections(ForwardReference, [ConnectionStatus])
    /// The engine could not list them (the forward is not running, ...).
    case connectionsRefused(ForwardReference, String)
    /// The answer to closing connection `id`: nil when it was closed.
    case connectionClosed(ForwardReference, id: UInt64, problem: String?)
}
