import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SluiceCore
import SluiceNIOSupport

/// A listener on this machine whose every accepted connection becomes one
/// WebSocket to an agent, relayed both ways until either side ends
/// (docs/agent-protocol.md). The listener and every connection it accepts
/// run on one event loop, so no connection is handed from thread to
/// thread (with connections spread over a group's loops, half of them
/// were, and a connection cost port-forward 17 to 30 % more CPU in
/// interleaved runs of short ones); an engine's forwards are spread over
/// its group's loops instead. Callers see only plain values, errors and
/// report lines.
public final class AgentForward: Sendable {
    public struct Configuration: Sendable {
        public var listenHost: String
        public var listenPort: Int
        public var route: ServiceRoute
        public var agent: AgentAddress
        public var token: BearerToken?
        public var keepalive: Keepalive
        /// WebSockets kept open ahead of clients; 0 dials one per client.
        public var poolSize: Int
        /// Two: a client that comes right after another often finds the
        /// last one's WebSocket still on its way back (its connection
        /// ending both ways, then `next`); the other one serves it.
        public static let defaultPoolSize = 2
        /// Certificates (PEM) to trust for `wss://` beside the system's.
        public var caFile: String?
        /// Hears how each dial to the agent ended (see AgentServerLink).
        public var dialWatch: (@Sendable (Result<Void, AgentError>) -> Void)?

        public init(listenHost: String = "127.0.0.1", listenPort: Int, route: ServiceRoute, agent: AgentAddress,
                    token: BearerToken? = nil, keepalive: Keepalive = Keepalive(), poolSize: Int = Configuration.defaultPoolSize, caFile: String? = nil,
                    dialWatch: (@Sendable (Result<Void, AgentError>) -> Void)? = nil) {
            self.dialWatch = dialWatch
            self.listenHost = listenHost
            self.listenPort = listenPort
            self.route = route
            self.agent = agent
            self.token = token
            self.keepalive = keepalive
            self.poolSize = poolSize
            self.caFile = caFile
        }
    }

    /// Pending bytes per connection before its peer stops being read.
    static let waterMark = ChannelOptions.Types.WriteBufferWaterMark(low: 64 * 1024, high: 256 * 1024)

    public let configuration: Configuration
    private let report: @Sendable (String) -> Void
    private let group: any EventLoopGroup
    /// The forward's one loop, of `group`.
    private let loop: EventLoop
    /// Shut down with the forward when it made its own.
    private let ownsGroup: Bool
    private let numbers: ConnectionNumbers
    private let dialer: WebSocketDialer
    private let registry = ConnectionRegistry()
    private let state = NIOLockedValueBox(Running())

    private struct Running {
        var listener: Channel?
        var source: StreamSource?
        var stopped = false
    }

    /// `report` gets one line per event worth a user's attention (a
    /// connection the agent refused or closed with a reason); it is
    /// called on the forward's threads.
    /// `group`: event loops shared with other forwards (an engine's);
    /// nil makes the forward its own. `numbers`: where connection numbers
    /// come from, one sequence for an engine.
    public init(_ configuration: Configuration, group: (any EventLoopGroup)? = nil, numbers: ConnectionNumbers = ConnectionNumbers(),
                report: @escaping @Sendable (String) -> Void) throws(AgentError) {
        self.configuration = configuration
        self.report = report
        self.numbers = numbers
        dialer = try WebSocketDialer(agent: configuration.agent, token: configuration.token, keepalive: configuration.keepalive,
                                     caFile: configuration.caFile, watch: configuration.dialWatch)
        ownsGroup = group == nil
        let group = group ?? Self.makeGroup(threads: 1)
        self.group = group
        loop = group.next()
    }

    deinit {
        if ownsGroup { try? group.syncShutdownGracefully() }
    }

    /// Event loops for agent forwards: by default one per core, up to four
    /// (an engine's forwards); a forward of its own needs one.
    public static func makeGroup(threads: Int = min(max(System.coreCount, 1), 4)) -> MultiThreadedEventLoopGroup {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        CloseOnExec.markAll()
        return group
    }

    /// Binds the listener and starts the pool; the port it listens on
    /// (the one asked for, or the kernel's pick for 0).
    @discardableResult
    public func start() throws(AgentError) -> Int {
        let route = configuration.route
        let report = self.report
        let registry = self.registry
        let numbers = self.numbers
        let source: StreamSource
        do {
            source = configuration.poolSize > 0
                ? try PooledSource(loop: loop, dialer: dialer, route: route, size: configuration.poolSize, report: report)
                : DialingSource(dialer: dialer, route: route)
        } catch {
            throw .invalid("cannot start the stream pool: \(error)")
        }
        let bootstrap = ServerBootstrap(group: loop, childGroup: loop)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                CloseOnExec.markAll()
                return channel.eventLoop.makeSucceededVoidFuture()
            }
            .childChannelInitializer { channel in
                CloseOnExec.markAll()
                let meter = ConnectionMeter(id: numbers.next(), client: channel.remoteAddress.map(Self.shown) ?? "?")
                registry.add(channel, meter: meter)
                return channel.eventLoop.makeCompletedFuture {
                    try RelaySocketOptions(allowRemoteHalfClosure: true, waterMark: Self.waterMark).apply(to: channel)
                    try channel.pipeline.syncOperations.addHandler(LocalSideHandler(route: route, source: source, meter: meter, report: report))
                }
            }
        let listener: Channel
        do {
            listener = try bootstrap.bind(host: configuration.listenHost, port: configuration.listenPort).wait()
        } catch let error as IOError {
            closeSource(source)
            throw .cannotListen(host: configuration.listenHost, port: configuration.listenPort, code: error.errnoCode)
        } catch {
            closeSource(source)
            throw .invalid("cannot listen on \(AgentAddress.bracketed(configuration.listenHost)):\(configuration.listenPort): \(error)")
        }
        state.withLockedValue {
            $0.listener = listener
            $0.source = source
        }
        source.start()
        return listener.localAddress?.port ?? configuration.listenPort
    }

    /// Connections being served now.
    public var openConnections: Int { registry.count }

    /// Connections and bytes, open ones and all so far.
    var totals: ConnectionRegistry.Totals { registry.totals }

    /// The open connections, oldest first, as a connections view shows them.
    public var connections: [ConnectionStatus] {
        registry.meters.map { $0.status(destination: configuration.route.description) }
    }

    /// Resets connection `id`'s client; false when it is not open here.
    public func resetConnection(_ id: UInt64) -> Bool {
        registry.reset(id)
    }

    /// Opens the pool's streams again after they failed (a link that
    /// retries); streams already open stay.
    public func refill() {
        state.withLockedValue { $0.source }?.start()
    }

    /// `127.0.0.1:53122`, `[::1]:53122`.
    static func shown(_ address: SocketAddress) -> String {
        guard let ip = address.ipAddress, let port = address.port else { return "\(address)" }
        return "\(AgentAddress.bracketed(ip)):\(port)"
    }

    /// Closes the listener and the pool at once, lets open connections
    /// finish until `drainDeadline`, then closes what is left and the
    /// event loops. Blocks; call it off the forward's threads.
    public func stop(drainDeadline: Date) {
        closeListener()
        if !registry.waitUntilEmpty(before: drainDeadline) {
            registry.closeAll()
            _ = registry.waitUntilEmpty(before: Date().addingTimeInterval(2))
        }
    }

    /// Closes the listener and the pool, and no more: open connections go
    /// on (an engine closes every listener of a server before it drains
    /// any). Blocks briefly; call it off the forward's threads.
    public func closeListener() {
        let (listener, source) = state.withLockedValue { running -> (Channel?, StreamSource?) in
            running.stopped = true
            defer {
                running.listener = nil
                running.source = nil
            }
            return (running.listener, running.source)
        }
        try? listener?.close().wait()
        if let source { closeSource(source) }
    }

    /// Closes every open connection now (a second Ctrl+C); a `stop` in
    /// progress returns right after.
    public func stopNow() {
        registry.closeAll()
    }

    private func closeSource(_ source: StreamSource) {
        try? loop.submit { source.close() }.wait()
    }
}
