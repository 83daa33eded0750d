import NIOCore
import NIOHTTP1
import NIOWebSocket

/// Answers every request that does not become a WebSocket: `/healthz`, and
/// the protocol's HTTP errors with a JSON body. One answer per connection,
/// then it closes: probes and refused clients need no keep-alive, and a
/// connection that cannot linger cannot pile up.
final class AgentHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let connection: AgentConnection
    private let gate: @Sendable () -> UpgradeGate
    private let report: @Sendable (AgentEvent) -> Void
    private var head: HTTPRequestHead?
    private var answered = false

    init(connection: AgentConnection, gate: @escaping @Sendable () -> UpgradeGate, report: @escaping @Sendable (AgentEvent) -> Void) {
        self.connection = connection
        self.gate = gate
        self.report = report
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body:
            break
        case .end:
            answer(context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // The upgrade handler reports why it did not upgrade before it
        // hands the request on; the answer comes from the request itself.
        if error is NIOWebSocketUpgradeError { return }
        context.close(promise: nil)
    }

    private func answer(_ context: ChannelHandlerContext) {
        guard let head, !answered else { return }
        answered = true
        if connection.rejection == nil, case .health = UpgradeGate.endpoint(for: head.uri) {
            guard head.method == .GET || head.method == .HEAD else {
                return respond(context, status: .methodNotAllowed, contentType: "application/json",
                               body: Rejection(status: 405, message: "\(UpgradeGate.healthPath) answers GET").body, head: head, extra: [("Allow", "GET, HEAD")])
            }
            return respond(context, status: .ok, contentType: "text/plain; charset=utf-8", body: "ok\n", head: head)
        }
        let rejection = connection.rejection ?? refusal(for: head)
        report(.refused(client: connection.client, target: head.uri, status: rejection.status, message: rejection.message))
        let extra = rejection.status == 401 ? [("WWW-Authenticate", "Bearer")] : []
        respond(context, status: HTTPResponseStatus(statusCode: rejection.status), contentType: "application/json", body: rejection.body, head: head, extra: extra)
    }

    /// A request the upgrade handler passed on without asking the gate:
    /// not an upgrade at all, or one NIO found malformed.
    private func refusal(for head: HTTPRequestHead) -> Rejection {
        let authorization = head.headers["Authorization"]
        switch gate().admit(uri: head.uri, authorization: authorization, offeredProtocols: []) {
        case .failure(let rejection):
            return rejection
        case .success:
            return .badRequest("not a WebSocket upgrade: send GET with Connection: Upgrade, Upgrade: websocket, Sec-WebSocket-Key and Sec-WebSocket-Version: 13")
        }
    }

    private func respond(_ context: ChannelHandlerContext, status: HTTPResponseStatus, contentType: String, body: String,
                         head request: HTTPRequestHead, extra: [(String, String)] = []) {
        var headers = HTTPHeaders([("Content-Type", contentType), ("Content-Length", String(body.utf8.count)), ("Connection", "close")])
        headers.add(contentsOf: extra)
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))), promise: nil)
        if request.method != .HEAD {
            var buffer = context.channel.allocator.buffer(capacity: body.utf8.count)
            buffer.writeString(body)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        }
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}
