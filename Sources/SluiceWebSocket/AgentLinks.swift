import Foundation
import NIOConcurrencyHelpers
import NIOPosix
import SluiceCore

/// Makes the engine's links for agent servers. All of them share one group
/// of event loops, made when the first agent server comes and kept for the
/// process's life (an engine without agent servers starts no thread for them).
public final class AgentLinks: AgentLinkMaker {
    private let group = NIOLockedValueBox<MultiThreadedEventLoopGroup?>(nil)
    private let bindProblem: @Sendable (Int32, String, Int) -> String

    /// `bindProblem` words a listener that could not bind (errno, host,
    /// port), as the engine's SSH forwards say it: who holds the port.
    public init(bindProblem: @escaping @Sendable (Int32, String, Int) -> String) {
        self.bindProblem = bindProblem
    }

    public func makeLink(for server: Server, board: StatusBoard, numbers: ConnectionNumbers, backoff: Backoff) -> any ServerLink {
        let group = self.group.withLockedValue { group in
            if let group { return group }
            let made = AgentForward.makeGroup()
            group = made
            return made
        }
        return AgentServerLink(server: server, board: board, numbers: numbers, backoff: backoff, group: group, bindProblem: bindProblem)
    }
}
