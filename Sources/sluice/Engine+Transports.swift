import SluiceCore
import SluiceSSH
import SluiceWebSocket

extension Engine {
    /// The engine with every transport Sluice has: SSH sessions, and node
    /// agents over WebSocket, whose failed binds read as SSH forwards' do.
    static func withAllTransports(prompter: any Prompter, tuning: LinkTuning) -> Engine {
        Engine(prompter: prompter, tuning: tuning,
               agentLinks: AgentLinks(bindProblem: { code, host, port in ListenCheck.bindProblem(code: code, host: host, port: port) }))
    }
}
