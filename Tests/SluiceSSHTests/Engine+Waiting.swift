import Foundation
import SluiceCore
import SluiceSSH

extension Engine {
    /// Waits until `condition` holds for the board's snapshot; false on timeout.
    func waitUntil(timeout: TimeInterval, _ condition: ([ServerStatus]) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition(board.snapshot) { return true }
            usleep(20_000)
        }
        return condition(board.snapshot)
    }
}
