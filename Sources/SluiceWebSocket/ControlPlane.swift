import Foundation
import NIOCore
import NIOPosix
import SluiceCore

/// A control plane that knows where projects run: asked for a project's
/// node, then for that node's address and agent port, to find the agent
/// to dial (docs/agent-protocol.md, "The control plane").
public struct ControlPlane: Sendable {
    /// What resolution found: the agent, and what the user should know
    /// about how (the 9090 fallback).
    public struct Resolution: Sendable, Equatable {
        public var agent: AgentAddress
        public var warnings: [String]
    }

    /// The URL as the user gave it, for messages.
    public let url: String
    private let host: String
    private let port: Int
    private let basePath: String
    private let secure: Bool
    /// How its messages name what to change (a saved project server's are
    /// `server edit` commands).
    public let terms: AdviceTerms

    /// Each GET's limit, connect to last byte.
    public static let timeoutSeconds = 10

    /// `http://HOST[:PORT][/PATH]` or `https://...`.
    public init(parsing text: String) throws(AgentError) {
        do {
            self.init(try ControlPlaneURL(parsing: text))
        } catch {
            throw .invalid(error.description)
        }
    }

    public init(_ parsed: ControlPlaneURL, terms: AdviceTerms = .commandLine) {
        self.terms = terms
        url = parsed.text
        host = parsed.host
        port = parsed.port
        basePath = parsed.basePath
        secure = parsed.isSecure
    }

    /// The agent for `project`: two GETs, each within `timeoutSeconds`.
    /// Blocks; for the command line.
    public func resolve(project: String, token: BearerToken?, caFile: String? = nil) throws(AgentError) -> Resolution {
        try ServiceRoute.check(project, noun: "project")
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        CloseOnExec.markAll()
        defer { try? group.syncShutdownGracefully() }
        let tls = secure ? try WebSocketDialer.tlsContext(caFile: caFile) : nil
        let client = HTTPGet(host: host, port: port, tls: tls, timeout: .seconds(Int64(Self.timeoutSeconds)), terms: terms)
        let headers = token.map { [("Authorization", $0.headerValue)] } ?? []
        let eventLoop = group.next()

        let projectPath = "/api/v1/projects/\(project)"
        let projectDocument: ControlPlaneDocuments.Project = try fetch(projectPath, what: "project \(project)", client: client,
                                                                       headers: headers, token: token, on: eventLoop)
        let phase = projectDocument.status?.phase ?? ""
        guard phase == "Running" else {
            if phase.isEmpty { throw .controlPlane("\(project) has no phase yet (status.phase at \(url)): nothing to connect to yet") }
            let shown = AgentError.printable(phase)
            throw .controlPlane(phase == "Pending" ? "\(project) is Pending: no container to connect to yet"
                                                   : "\(project) is \(shown), not Running: nothing to connect to")
        }
        guard let node = projectDocument.status?.nodeRef, !node.isEmpty else {
            throw .controlPlane("\(project) is Running but the control plane at \(url) names no node for it (status.nodeRef); \(terms.useAgentAddress)")
        }
        guard ServiceRoute.isValidName(node) else {
            throw .controlPlane("the control plane at \(url) names \(AgentError.quoted(node)) as \(project)'s node, which is not a node name")
        }

        let nodeDocument: ControlPlaneDocuments.Node = try fetch("/api/v1/nodes/\(node)", what: "node \(node) (\(project)'s nodeRef)",
                                                                 client: client, headers: headers, token: token, on: eventLoop)
        guard let ip = nodeDocument.status?.network?.ip, !ip.isEmpty else {
            throw .controlPlane("node \(node) has no address at \(url) (status.network.ip); \(terms.useAgentAddress)")
        }
        var warnings: [String] = []
        let agentPort: Int
        if let given = nodeDocument.status?.network?.agentPort {
            guard (1...65535).contains(given) else {
                throw .controlPlane("node \(node) has agentPort \(given) at \(url), which is not a port; \(terms.useAgentAddress)")
            }
            agentPort = given
        } else {
            agentPort = AgentAddress.defaultPort
            warnings.append("node \(node) has no agentPort at \(url) (status.network.agentPort); trying the agent on port \(AgentAddress.defaultPort)")
        }
        let provenance = AgentAddress.Provenance.resolved(controlPlane: url, project: project, node: node, defaultPort: warnings.count > 0)
        var agent: AgentAddress
        do {
            agent = try AgentAddress(parsing: "\(AgentAddress.bracketed(ip)):\(agentPort)", provenance: provenance)
            agent.terms = terms
        } catch {
            throw .controlPlane("node \(node) has \(AgentError.quoted(ip)) as its address at \(url), which is not an address; \(terms.useAgentAddress)")
        }
        return Resolution(agent: agent, warnings: warnings)
    }

    private func fetch<Document: Decodable>(_ path: String, what: String, client: HTTPGet, headers: [(String, String)],
                                            token: BearerToken?, on eventLoop: EventLoop) throws(AgentError) -> Document {
        let answer: HTTPGet.Answer
        do {
            answer = try client.get(basePath + path, headers: headers, on: eventLoop).wait()
        } catch let failure as HTTPGet.Failure {
            switch failure {
            case let .unreachable(reason):
                throw .controlPlane("cannot reach the control plane at \(url): \(reason); \(terms.checkControlPlane) \(terms.skipControlPlane)")
            case .timedOut:
                throw .controlPlane("the control plane at \(url) did not answer within \(Self.timeoutSeconds) s; \(terms.skipControlPlane)")
            case let .notHTTP(detail):
                throw .controlPlane("the control plane at \(url) did not answer as one: \(detail)")
            }
        } catch {
            throw .controlPlane("cannot ask the control plane at \(url): \(error)")
        }
        let said = UpgradeRequestHandler.message(in: answer.body).map { ": \($0)" } ?? ""
        switch answer.status {
        case 200:
            break
        case 401, 403:
            if let token {
                throw .controlPlaneRefusedToken("the control plane at \(url) did not accept the token from \(token.source)\(said); \(terms.checkToken)")
            }
            throw .controlPlaneRefusedToken("the control plane at \(url) wants a token: \(terms.giveToken)")
        case 404:
            throw .controlPlane("the control plane at \(url) has no \(what)\(said)")
        default:
            throw .controlPlane("the control plane at \(url) answered \(answer.status) \(answer.reason) for \(path)\(said)")
        }
        do {
            return try JSONDecoder().decode(Document.self, from: Data(answer.body.readableBytesView))
        } catch {
            throw .controlPlane("the control plane's answer for \(what) at \(url) is not the JSON Sluice expects (docs/agent-protocol.md)")
        }
    }
}
