import Foundation
import SluiceCore

/// Everything that can change the screen's state: keys, the engine's news,
/// and the results of effects.
public enum Action: Sendable {
    case key(Key)
    /// The engine's status board, as of `at`.
    case status([ServerStatus], at: Date)
    /// Time passed: countdowns and rates move on.
    case tick(Date)
    /// The engine asks the user something; `id` goes back with the answer.
    case prompt(id: Int, server: String, Prompt)
    /// The store as saved (after our change) or as changed by someone else.
    case stored(StoreDocument)
    /// A save failed; `current` is the file as it is, if it can be read.
    case storeFailed(message: String, current: StoreDocument?)
    case portChecked(host: String, port: Int, problem: String?)
}
