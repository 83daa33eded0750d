import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket
import SluiceCore
import SluiceNIOSupport

/// `sluice agent`: the endpoint of docs/agent-protocol.md on one listening
/// socket, over swift-nio's event loops (one per core). Everything NIO
/// stays in this module; the command drives it with `start`, `reload`,
/// `beginShutdown` and `stopNow`, from its own thread.
public final class AgentServer: Sendable {
    private let options: AgentOptions
    private let gate: NIOLockedValueBox<UpgradeGate>
    private let limiter: ConnectionLimiter
    private let registry = StreamRegistry()
    private let report: @Sendable (AgentEvent) -> Void
    private let tls: NIOSSLContext?
    private let group: MultiThreadedEventLoopGroup
    private let state = NIOLockedValueBox(Lifecycle())

    private struct Lifecycle {
        var listener: Channel?
        var watch: ServicesFileWatch?
        /// The contents last read from the services file, good or bad:
        /// a reload acts only on a change.
        var servicesText: [UInt8]?
        var stopping = false
        var stopped = false
        var drainDeadline: NIODeadline?
    }

    /// Reads the services file, the token and the TLS files, and checks
    /// that the agent may listen where it is asked to; binds nothing yet.
    public init(options: AgentOptions, report: @escaping @Sendable (AgentEvent) -> Void) throws {
        self.options = options
        self.report = report
        if (options.tlsCertificatePath == nil) != (options.tlsKeyPath == nil) { throw AgentError.tlsHalf }
        let token = try options.tokenPath.map { path throws(AgentError) in try AccessToken(readingFrom: path) }
        if token == nil && !options.listen.isLoopback && !options.insecureNoAuth {
            throw AgentError.noTokenBeyondLoopback(address: options.listen.description)
        }
        let text = try Self.readServices(options.servicesPath)
        let catalog = try ServiceCatalog(parsing: String(decoding: text, as: UTF8.self), path: options.servicesPath)
        gate = NIOLockedValueBox(UpgradeGate(catalog: catalog, token: token))
        state.withLockedValue { $0.servicesText = text }
        if let certificate = options.tlsCertificatePath, let key = options.tlsKeyPath {
            tls = try Self.tlsContext(certificate: certificate, key: key)
        } else {
            tls = nil
        }
        limiter = ConnectionLimiter(maxStreams: options.maxConnections)
        group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, System.coreCount))
    }

    /// Binds and starts serving; says where on the report.
    public func start() throws {
        let listener: Channel
        do {
            listener = try ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 1024)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { [self] channel in self.setUp(channel) }
                .bind(host: options.listen.host, port: options.listen.port)
                .wait()
        } catch {
            try? group.syncShutdownGracefully()
            throw AgentError.cannotListen(address: options.listen.description, reason: Self.words(for: error))
        }
        // The loops' epoll descriptors and the listener exist now.
        CloseOnExec.markAll()
        let watch: ServicesFileWatch?
        do {
            watch = try ServicesFileWatch(path: options.servicesPath) { [weak self] in self?.reloadServices() }
        } catch {
            watch = nil
            report(.notFollowing(path: options.servicesPath, reason: error.description))
        }
        state.withLockedValue {
            $0.listener = listener
            $0.watch = watch
        }
        let bound = listener.localAddress.map { address in
            ListenAddress(host: address.ipAddress ?? options.listen.host, port: address.port ?? options.listen.port).description
        } ?? options.listen.description
        report(.listening(address: bound, tls: tls != nil, tokenRequired: gate.withLockedValue { $0.token != nil },
                          servicesPath: options.servicesPath, services: gate.withLockedValue { $0.catalog.summary }))
    }

    // MARK: Reloads

    /// SIGHUP: the token file and the services file are read again; a
    /// file that cannot be used leaves what was in use.
    public func reload() {
        if let path = options.tokenPath {
            do {
                let token = try AccessToken(readingFrom: path)
                gate.withLockedValue { $0.token = token }
                report(.tokenReloaded(path: path))
            } catch {
                report(.tokenKept(problem: "\(error.description); the previous token stays in use"))
            }
        }
        reloadServices(evenIfUnchanged: true)
    }

    func reloadServices(evenIfUnchanged: Bool = false) {
        let text: [UInt8]
        do {
            text = try Self.readServices(options.servicesPath)
        } catch {
            return keep(problem: error.description)
        }
        let changed = state.withLockedValue { state in
            defer { state.servicesText = text }
            return state.servicesText != text
        }
        guard changed || evenIfUnchanged else { return }
        do {
            let catalog = try ServiceCatalog(parsing: String(decoding: text, as: UTF8.self), path: options.servicesPath)
            gate.withLockedValue { $0.catalog = catalog }
            report(.servicesReloaded(path: options.servicesPath, services: catalog.summary))
        } catch {
            keep(problem: error.description)
        }
    }

    private func keep(problem: String) {
        let summary = gate.withLockedValue { $0.catalog.summary }
        report(.servicesKept(problem: "\(problem); still serving the previous services (\(summary))"))
    }

    private static func readServices(_ path: String) throws(ServiceCatalogError) -> [UInt8] {
        do {
            return try TextFile.read(path)
        } catch {
            throw .unreadable(path: path, reason: error.reason)
        }
    }

    // MARK: Shutdown

    public var isStopped: Bool { state.withLockedValue { $0.stopped } }

    /// SIGINT or SIGTERM: stops accepting at once; open streams get the
    /// drain to finish, then a close with 1001, then their connections
    /// are dropped. Returns at once; `isStopped` says when it is done.
    public func beginShutdown() {
        let first = state.withLockedValue { state -> Bool in
            guard !state.stopping else { return false }
            state.stopping = true
            state.drainDeadline = .now() + .milliseconds(Int64(options.drain * 1000))
            return true
        }
        guard first else { return }
        let thread = Thread { [self] in self.shutDown() }
        thread.name = "sluice-agent-shutdown"
        thread.start()
    }

    /// A second signal: no more waiting for streams to finish.
    public func stopNow() {
        state.withLockedValue { $0.drainDeadline = .now() }
        beginShutdown()
    }

    private func shutDown() {
        let (listener, watch) = state.withLockedValue { ($0.listener, $0.watch) }
        watch?.stop()
        try? listener?.close().wait()
        let busy = registry.drainStarted()
        report(.stopping(openStreams: busy, drainSeconds: options.drain))
        waitForStreams { self.state.withLockedValue { $0.drainDeadline } ?? .now() }
        registry.stopAll()
        let closeWait = NIODeadline.now() + .milliseconds(Int64(StreamRelay.closeWait * 1000 + 500))
        waitForStreams { closeWait }
        registry.closeAll()
        let last = NIODeadline.now() + .seconds(1)
        waitForStreams { last }
        try? group.syncShutdownGracefully()
        report(.stopped)
        state.withLockedValue { $0.stopped = true }
    }

    private func waitForStreams(until deadline: () -> NIODeadline) {
        while registry.count > 0 && NIODeadline.now() < deadline() {
            usleep(20_000)
        }
    }

    // MARK: Each connection

    private func setUp(_ channel: Channel) -> EventLoopFuture<Void> {
        CloseOnExec.markAll()
        guard limiter.admitSocket() else { return channel.close() }
        let limiter = self.limiter
        let client = Self.shown(channel.remoteAddress)
        let connection = AgentConnection(client: client)
        channel.closeFuture.whenComplete { _ in
            limiter.releaseSocket()
        }
        // A client that never finishes its request would hold a socket
        // for good; the relay, once added, keeps its own time.
        let timeout = channel.eventLoop.scheduleTask(in: .milliseconds(Int64(options.requestTimeout * 1000))) {
            channel.close(promise: nil)
        }
        channel.closeFuture.whenComplete { _ in timeout.cancel() }
        let bound = NIOLoopBound(connection, eventLoop: channel.eventLoop)
        let upgrader = StreamingServerUpgrader(
            maxFrameSize: options.maxFrameSize,
            shouldUpgrade: { [self] channel, head in
                channel.eventLoop.makeSucceededFuture(self.decide(head, connection: bound.value, channel: channel))
            },
            upgradePipelineHandler: { [self] channel, _ in
                timeout.cancel()
                return channel.eventLoop.makeCompletedFuture {
                    guard let plan = bound.value.plan else { throw ChannelError.inappropriateOperationForState }
                    try channel.pipeline.syncOperations.addHandler(self.relay(for: plan, client: client))
                }
            }
        )
        let http = AgentHTTPHandler(connection: connection, gate: { [gate] in gate.withLockedValue { $0 } }, report: report)
        let boundHTTP = NIOLoopBound(http, eventLoop: channel.eventLoop)
        return channel.eventLoop.makeCompletedFuture {
            try RelaySocketOptions(allowRemoteHalfClosure: false, waterMark: StreamRelay.waterMark,
                                   readsPerWakeup: StreamRelay.clientReadsPerWakeup).apply(to: channel)
            if let tls {
                try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls))
            }
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                withServerUpgrade: (upgraders: [upgrader], completionHandler: { context in
                    context.pipeline.syncOperations.removeHandler(boundHTTP.value, promise: nil)
                }),
                withErrorHandling: true
            )
            try channel.pipeline.syncOperations.addHandler(http)
        }
    }

    /// The upgrade check: the gate's answer, then a stream slot. A refusal
    /// is left on the connection for the HTTP handler to send.
    private func decide(_ head: HTTPRequestHead, connection: AgentConnection, channel: Channel) -> HTTPHeaders? {
        let verdict = gate.withLockedValue {
            $0.admit(uri: head.uri, authorization: head.headers["Authorization"], offeredProtocols: head.headers["Sec-WebSocket-Protocol"])
        }
        switch verdict {
        case .failure(let rejection):
            connection.rejection = rejection
            return nil
        case .success(let plan):
            guard head.method == .GET else {
                connection.rejection = .badRequest("a WebSocket upgrade is a GET request")
                return nil
            }
            guard !state.withLockedValue({ $0.stopping }) else {
                connection.rejection = .unavailable("the agent is shutting down")
                return nil
            }
            guard limiter.reserveStream() else {
                let streams = limiter.maxStreams == 1 ? "1 stream" : "\(limiter.maxStreams) streams"
                connection.rejection = .unavailable("the agent has \(streams) open, its limit (--max-connections); try again later")
                return nil
            }
            connection.holdsStream = true
            let limiter = self.limiter
            channel.closeFuture.whenComplete { _ in limiter.releaseStream() }
            connection.plan = plan
            return plan.subprotocol.map { HTTPHeaders([("Sec-WebSocket-Protocol", $0)]) } ?? HTTPHeaders()
        }
    }

    private func relay(for plan: ForwardPlan, client: String) -> StreamRelay {
        let target = TargetDescription(route: plan.route, location: plan.location, connectTimeout: options.connectTimeout)
        return StreamRelay(plan: plan, dialer: TargetDialer(target: target),
                           settings: StreamRelay.Settings(maxFrameSize: options.maxFrameSize, keepalive: options.keepalive),
                           client: client, registry: registry, report: report)
    }

    // MARK: Helpers

    private static func tlsContext(certificate: String, key: String) throws -> NIOSSLContext {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificate)
            guard !chain.isEmpty else { throw AgentError.tls(path: certificate, reason: "it holds no PEM certificate") }
        } catch let error as AgentError {
            throw error
        } catch {
            throw AgentError.tls(path: certificate, reason: "it is not a PEM certificate chain (\(error))")
        }
        let privateKey: NIOSSLPrivateKey
        do {
            privateKey = try NIOSSLPrivateKey(file: key, format: .pem)
        } catch {
            throw AgentError.tls(path: key, reason: "it is not a PEM private key (\(error))")
        }
        let configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw AgentError.tls(path: key, reason: "it does not go with the certificate \(certificate) (\(error))")
        }
    }

    /// `127.0.0.1:53122`, `[::1]:53122`.
    static func shown(_ address: SocketAddress?) -> String {
        guard let address, let ip = address.ipAddress, let port = address.port else { return "unknown" }
        return ip.contains(":") ? "[\(ip)]:\(port)" : "\(ip):\(port)"
    }

    private static func words(for error: Error) -> String {
        if let error = error as? IOError { return String(cString: strerror(error.errnoCode)) }
        return "\(error)"
    }
}
