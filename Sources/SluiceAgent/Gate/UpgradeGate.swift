import Foundation
import SluiceCore

/// Decides from a request's head alone what the agent answers: a stream to
/// a service, or an HTTP error. Pure, so every answer of the protocol's
/// table is tested without a socket.
public struct UpgradeGate: Sendable {
    public static let healthPath = "/healthz"

    public enum Endpoint: Equatable, Sendable {
        case health
        case forward(Result<ForwardRoute, Rejection>)
        case unknown
    }

    public var catalog: ServiceCatalog
    /// nil: no token asked for (loopback, or --insecure-no-auth).
    public var token: AccessToken?

    public init(catalog: ServiceCatalog, token: AccessToken?) {
        self.catalog = catalog
        self.token = token
    }

    /// Which endpoint a request's target names; a query string is ignored.
    public static func endpoint(for uri: String) -> Endpoint {
        let path = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        if path == healthPath { return .health }
        guard path.hasPrefix(ForwardRoute.prefix) else { return .unknown }
        return .forward(ForwardRoute.parse(path.dropFirst(ForwardRoute.prefix.count)))
    }

    /// The answer to a request for `uri`: its plan if it may be upgraded.
    /// The token is checked before anything about the path is said, so a
    /// client without it learns nothing of what the agent serves.
    public func admit(uri: String, authorization: [String], offeredProtocols: [String]) -> Result<ForwardPlan, Rejection> {
        let route: ForwardRoute
        switch Self.endpoint(for: uri) {
        case .health, .unknown:
            return .failure(.notFound("no such endpoint: forwards are at \(ForwardRoute.prefix){project}/{service}/{port}"))
        case .forward(let parsed):
            if let token, let rejection = token.rejection(forAuthorization: authorization) { return .failure(rejection) }
            switch parsed {
            case .failure(let rejection): return .failure(rejection)
            case .success(let parsedRoute): route = parsedRoute
            }
        }
        guard let project = catalog.projects[route.project] else {
            return .failure(.notFound("no project \(route.project) on this agent"))
        }
        guard let location = project.services[route.service] else {
            let known = project.services.keys.sorted().joined(separator: ", ")
            return .failure(.notFound("no service \(route.service) in \(route.project)" + (known.isEmpty ? "" : " (it has: \(known))")))
        }
        guard project.isRunning else {
            return .failure(.conflict("\(route.project) is \(project.phase): no container to connect to yet"))
        }
        let offered = Set(offeredProtocols.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) })
        return .success(ForwardPlan(route: route, location: location, halfClose: offered.contains(AgentSubprotocol.halfClose),
                                    reuse: offered.contains(AgentSubprotocol.reuse)))
    }
}
