/// How a message names what to change: `sluice port-forward`'s options
/// for a forward typed on the command line, or `sluice server edit NAME`
/// for a saved server (whose forwards the engine runs). Every piece of
/// advice the transport gives is phrased here, once per kind.
public enum AdviceTerms: Sendable, Equatable {
    case commandLine
    case savedServer(String)

    /// Use the agent's own address rather than the control plane's answer.
    var useAgentAddress: String {
        switch self {
        case .commandLine: "pass --node HOST:PORT"
        case .savedServer(let name): "save the agent's own address instead: \(Self.edit(name)) --destination ws://HOST:PORT"
        }
    }

    /// The same, when the control plane could not be asked at all.
    var skipControlPlane: String {
        switch self {
        case .commandLine: "pass --node HOST:PORT to skip it"
        case .savedServer(let name): "or save the agent's own address: \(Self.edit(name)) --destination ws://HOST:PORT"
        }
    }

    var checkControlPlane: String {
        switch self {
        case .commandLine: "check --control-plane, or"
        case .savedServer(let name): "check the control plane's URL (\(Self.edit(name)) --destination 'PROJECT via URL'),"
        }
    }

    /// A token was sent and refused.
    var checkToken: String {
        switch self {
        case .commandLine: "check --token-file"
        case .savedServer(let name): "check the token file (\(Self.edit(name)) --token-file FILE)"
        }
    }

    /// A token is wanted and none was sent.
    var giveToken: String {
        switch self {
        case .commandLine: "pass --token-file"
        case .savedServer(let name): "give one with: \(Self.edit(name)) --token-file FILE"
        }
    }

    /// The agent's certificate is not trusted here.
    var trustCertificate: String {
        switch self {
        case .commandLine: "pass --ca-file with that certificate"
        case .savedServer(let name): "save that certificate's file with: \(Self.edit(name)) --ca-file FILE"
        }
    }

    private static func edit(_ name: String) -> String {
        "sluice server edit \(name)"
    }
}
