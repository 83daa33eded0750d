import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket
import SluiceCore
import SluiceNIOSupport

/// Opens one WebSocket to an agent for one route: TCP (and TLS for
/// `wss://`), the HTTP/1.1 upgrade with `Sec-WebSocket-Protocol: sluice.v2, sluice.v1`
/// offered and the bearer token when there is one, then the WebSocket
/// handlers. Every failure on the way is an `AgentError` that names the
/// agent and what to do.
struct WebSocketDialer: StreamDialing {
    let agent: AgentAddress
    let token: BearerToken?
    let keepalive: Keepalive
    /// For connect and for the handshake, each.
    let timeout: TimeAmount
    /// Hears how every dial ended, for a link's state (see AgentServerLink).
    let watch: (@Sendable (Result<Void, AgentError>) -> Void)?
    private let tls: NIOSSLContext?

    /// The protocol's largest frame (docs/agent-protocol.md, "After the upgrade").
    static let largestFrame = 1 << 20

    /// `caFile`: certificates (PEM) to trust beside the system's, for an
    /// agent whose certificate a private CA signed, or that signed itself.
    init(agent: AgentAddress, token: BearerToken?, keepalive: Keepalive, caFile: String? = nil,
         timeout: TimeAmount = .seconds(10), watch: (@Sendable (Result<Void, AgentError>) -> Void)? = nil) throws(AgentError) {
        self.watch = watch
        self.agent = agent
        self.token = token
        self.keepalive = keepalive
        self.timeout = timeout
        tls = agent.scheme == .wss ? try Self.tlsContext(caFile: caFile) : nil
    }

    /// A client TLS context that checks certificates against the system's
    /// roots and `caFile`'s.
    static func tlsContext(caFile: String?) throws(AgentError) -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let caFile {
            guard FileManager.default.isReadableFile(atPath: caFile) else {
                throw .invalid("cannot read the CA file \(caFile)")
            }
            configuration.additionalTrustRoots = [.file(caFile)]
        }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw .invalid(caFile.map { "cannot use the CA file \($0): it holds no PEM certificate Sluice can read" }
                ?? "cannot set up TLS: \(error)")
        }
    }

    func dial(_ route: ServiceRoute, on eventLoop: EventLoop) -> EventLoopFuture<AgentStream> {
        let outcome = eventLoop.makePromise(of: AgentStream.self)
        let agent = self.agent
        let keepalive = self.keepalive
        let tls = self.tls
        let timeout = self.timeout
        let request = upgradeRequest(for: route)
        let tokenSource = token?.source
        let seconds = Int(timeout.nanoseconds / 1_000_000_000)
        // SNI and certificate names are for names; an address is checked
        // as an address.
        let serverName = agent.host.contains(":") || agent.host.allSatisfy({ $0.isNumber || $0 == "." }) ? nil : agent.host

        ClientBootstrap(group: eventLoop)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                CloseOnExec.markAll()
                return channel.eventLoop.makeCompletedFuture {
                    try RelaySocketOptions(allowRemoteHalfClosure: false, waterMark: AgentForward.waterMark).apply(to: channel)
                    let pipeline = channel.pipeline.syncOperations
                    if let tls {
                        try pipeline.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverName))
                    }
                    let encoder = HTTPRequestEncoder()
                    let decoder = ByteToMessageHandler(HTTPResponseDecoder(leftOverBytesStrategy: .forwardBytes))
                    let requestHandler = UpgradeRequestHandler(request: request, agent: agent, route: route, tokenSource: tokenSource,
                                                               outcome: outcome, timeout: timeout)
                    let upgrader = MaskingClientUpgrader(maxFrameSize: Self.largestFrame) { channel, response in
                        let chosen = response.headers["Sec-WebSocket-Protocol"].first?.trimmingCharacters(in: .whitespaces)
                        let stream = AgentStream(channel: channel, subprotocol: chosen)
                        return channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(AgentSideHandler(halfClose: stream.halfClose, keepalive: keepalive))
                            outcome.succeed(stream)
                        }
                    }
                    let upgradeHandler = NIOHTTPClientUpgradeHandler(upgraders: [upgrader], httpHandlers: [encoder, decoder, requestHandler],
                                                                     upgradeCompletionHandler: { _ in })
                    try pipeline.addHandlers([encoder, decoder, upgradeHandler, requestHandler])
                }
            }
            .connect(skippingResolutionOf: agent.host, port: agent.port)
            .whenFailure { error in
                outcome.fail(AgentError.unreachable(agent: agent, reason: ConnectFailure.words(for: error, host: agent.host, timeout: seconds)))
            }
        if let watch {
            outcome.futureResult.whenComplete { result in
                watch(result.map { _ in () }.mapError { $0 as? AgentError ?? .invalid("\($0)") })
            }
        }
        return outcome.futureResult
    }

    private func upgradeRequest(for route: ServiceRoute) -> HTTPRequestHead {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: agent.hostHeader)
        headers.add(name: "Sec-WebSocket-Protocol", value: AgentStream.offeredProtocols)
        if let token { headers.add(name: "Authorization", value: token.headerValue) }
        return HTTPRequestHead(version: .http1_1, method: .GET, uri: agent.basePath + route.path, headers: headers)
    }
}
