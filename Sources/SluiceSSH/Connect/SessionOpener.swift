import Foundation
import SluiceCore

/// Opens a server's session along its `ConnectionPlan`: the first leg (a
/// TCP connection, or the user's own ProxyCommand), then each jump host in
/// turn (connect, host key, login, a channel on to the next host, relayed
/// by a `HopRelay`), then the server itself. Every host gets the same
/// checks; a failure names the jump host it happened at.
///
/// Runs on the server's session thread, in blocking mode; prompts go to
/// the prompter and name the host they are about.
struct SessionOpener {
    let settings: SessionSettings
    let prompter: any Prompter
    let tuning: LinkTuning

    struct Opened {
        /// Connected, its host key checked, logged in; still blocking.
        var session: SSHSession
        var plan: ConnectionPlan
        /// Things to tell the user from every host on the way (a key
        /// trusted on first use).
        var notices: [String]
    }

    func open() throws(SessionError) -> Opened {
        let plan = try ConnectionPlanner.plan(for: settings)
        var carriers: [any LinkCarrier] = []
        var socket: Int32?
        var notices: [String] = []
        if case .proxyCommand(let command, _) = plan.firstLeg {
            let (process, fd) = try ProxyCommandProcess.start(command, for: plan.firstHost.label)
            carriers = [process]
            socket = fd
        }
        for (index, hop) in plan.hops.enumerated() {
            let next = index + 1 < plan.hops.count ? plan.hops[index + 1] : plan.target
            let session: SSHSession
            do {
                session = try establish(hop, role: .jumpHost, socket: socket, carriers: carriers, direct: index == 0)
            } catch {
                throw .atJumpHost(hop.label, error)
            }
            notices += session.notices
            do {
                let (relay, fd) = try HopRelay.start(through: session, to: next, tuning: tuning)
                carriers = [relay]
                socket = fd
            } catch {
                switch error {
                case .forwardRefused(let reason): throw .forwardRefused("jump host \(hop.label) \(reason)")
                default: throw .atJumpHost(hop.label, error)
                }
            }
        }
        let session = try establish(plan.target, role: .server, socket: socket, carriers: carriers, direct: plan.hops.isEmpty)
        notices += session.notices
        return Opened(session: session, plan: plan, notices: notices)
    }

    /// One host's session: connected, its key checked, logged in.
    private func establish(_ host: ResolvedHost, role: SSHSession.Role, socket: Int32?, carriers: [any LinkCarrier],
                           direct: Bool) throws(SessionError) -> SSHSession {
        let session = try SSHSession(host: host, role: role, serverName: settings.serverName, prompter: prompter,
                                     socket: socket, carriers: carriers)
        try session.connect()
        try session.verifyHostKey(prompter: prompter)
        try session.authenticate(prompter: prompter)
        // TCP keepalives only where the socket is TCP; a relayed session
        // is watched by its own keepalives and its carrier's.
        if direct && socket == nil { session.tuneSocket(tuning) }
        return session
    }
}
