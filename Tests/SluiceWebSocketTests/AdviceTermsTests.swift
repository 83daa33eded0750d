@testable import SluiceWebSocket
import Testing

/// Advice names `sluice port-forward`'s options for a forward typed on the
/// command line, and `sluice server edit NAME` for a saved server, whether
/// its agent is saved as an address or found through a control plane.
@Suite struct AdviceTermsTests {
    let route: ServiceRoute

    init() throws {
        route = try ServiceRoute(reference: "my-app/db", port: 5432)
    }

    func refusal(_ agent: AgentAddress, token: String?) -> String {
        AgentError.refused(.init(agent: agent, route: route, status: 401, reason: "Unauthorized", message: nil, tokenSource: token)).description
    }

    @Test func aSavedAgentsTokenIsChangedWithServerEdit() {
        let saved = AgentAddress(host: "10.0.0.5", port: 9090, provenance: .saved(server: "node1"))
        #expect(saved.terms == .savedServer("node1"))
        #expect(refusal(saved, token: nil) == "the agent at 10.0.0.5:9090 wants a token: give one with: sluice server edit node1 --token-file FILE")
        #expect(refusal(saved, token: "/t") == "the agent at 10.0.0.5:9090 did not accept the token from /t; check the token file (sluice server edit node1 --token-file FILE)")
    }

    @Test func anAgentFoundForASavedProjectIsNotFixedWithNode() {
        var resolved = AgentAddress(host: "10.0.0.5", port: 9090,
                                    provenance: .resolved(controlPlane: "http://cp:8080", project: "my-app", node: "node-1", defaultPort: false))
        #expect(resolved.terms == .commandLine)
        resolved.terms = .savedServer("app")
        let unreachable = AgentError.unreachable(agent: resolved, reason: "connection refused (nothing listens there)").description
        #expect(unreachable.hasSuffix("if this machine reaches the node by another address, save the agent's own address instead: sluice server edit app --destination ws://HOST:PORT"), "\(unreachable)")
        #expect(!unreachable.contains("--node"))
        #expect(refusal(resolved, token: nil).hasSuffix("give one with: sluice server edit app --token-file FILE"))
    }

    @Test func eachPieceOfAdviceHasBothForms() {
        let line = AdviceTerms.commandLine
        let saved = AdviceTerms.savedServer("app")
        #expect(line.useAgentAddress == "pass --node HOST:PORT")
        #expect("\(line.checkControlPlane) \(line.skipControlPlane)" == "check --control-plane, or pass --node HOST:PORT to skip it")
        #expect("\(saved.checkControlPlane) \(saved.skipControlPlane)"
            == "check the control plane's URL (sluice server edit app --destination 'PROJECT via URL'), or save the agent's own address: sluice server edit app --destination ws://HOST:PORT")
        #expect(line.trustCertificate == "pass --ca-file with that certificate")
        #expect(saved.trustCertificate == "save that certificate's file with: sluice server edit app --ca-file FILE")
        for advice in [saved.useAgentAddress, saved.skipControlPlane, saved.checkToken, saved.giveToken, saved.trustCertificate] {
            #expect(advice.contains("sluice server edit app"), "\(advice)")
            #expect(!advice.contains("--node"), "\(advice)")
        }
    }
}
