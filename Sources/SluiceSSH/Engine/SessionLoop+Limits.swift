import Foundation

/// What keeps one client, or many, from starving the others: SOCKS clients
/// get a few seconds to say where to go.
extension SessionLoop {
    /// Closes -D connections whose clients did not name a target in time.
    func closeSilentSOCKSClients() {
        for connection in socksDeadlines.expire(now: Date(), waiting: \.isAwaitingSOCKSRequest) {
            connection.finish(because: connection.socksTimeoutReason(after: tuning.socksHandshakeTimeout))
        }
    }
}
