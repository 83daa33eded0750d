import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// The HTTP half of a WebSocket dial: sends the upgrade request once the
/// connection is up, and turns any answer other than the upgrade into an
/// `AgentError` a user can act on (the agent's JSON `message` included).
///
/// `NIOHTTPClientUpgradeHandler`, in front of it, adds the upgrade headers
/// and, on a 101, removes this handler with the HTTP codec before the
/// WebSocket handlers go in; what reaches this handler is a refusal.
final class UpgradeRequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    /// More than any error message; an agent that sends more is cut off.
    static let largestBody = 16 * 1024

    private let request: HTTPRequestHead
    private let agent: AgentAddress
    private let route: ServiceRoute
    private let tokenSource: String?
    private let outcome: EventLoopPromise<AgentStream>
    private let timeout: TimeAmount
    private var response: HTTPResponseHead?
    private var body = ByteBuffer()
    private var deadline: Scheduled<Void>?

    init(request: HTTPRequestHead, agent: AgentAddress, route: ServiceRoute, tokenSource: String?,
         outcome: EventLoopPromise<AgentStream>, timeout: TimeAmount) {
        self.request = request
        self.agent = agent
        self.route = route
        self.tokenSource = tokenSource
        self.outcome = outcome
        self.timeout = timeout
    }

    func channelActive(context: ChannelHandlerContext) {
        let seconds = Int(timeout.nanoseconds / 1_000_000_000)
        let outcome = self.outcome
        let agent = self.agent
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: timeout) {
            outcome.fail(AgentError.timedOut(agent: agent, seconds: seconds))
            channel.close(promise: nil)
        }
        context.write(wrapOutboundOut(.head(request)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        // Removed for the upgrade (the WebSocket handlers take over) or
        // with the channel: either way the handshake's clock stops here.
        deadline?.cancel()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case let .head(head):
            response = head
        case var .body(part):
            if body.readableBytes < Self.largestBody {
                var slice = part.readSlice(length: min(part.readableBytes, Self.largestBody - body.readableBytes)) ?? ByteBuffer()
                body.writeBuffer(&slice)
            }
        case .end:
            finish(context: context, with: refusal())
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        let detail: String
        switch error {
        case let error as NIOHTTPClientUpgradeError where error == .upgraderDeniedUpgrade:
            detail = "its WebSocket handshake did not check out (Sec-WebSocket-Accept)"
        case let error as NIOHTTPClientUpgradeError where error == .responseProtocolNotFound:
            detail = "it switched protocols, but not to WebSocket"
        case is HTTPParserError:
            detail = agent.scheme == .ws ? "it does not speak plain HTTP (an agent with TLS is wss://HOST:PORT)" : "it does not speak HTTP"
        case is NIOSSLError, is BoringSSLError, is NIOSSLExtraError:
            detail = Self.words(forTLS: error, terms: agent.terms)
        default:
            detail = "\(error)"
        }
        finish(context: context, with: .notAnAgent(agent: agent, detail: detail))
    }

    func channelInactive(context: ChannelHandlerContext) {
        // A refusal without a body that ends at the close still counts.
        if response != nil {
            outcome.fail(refusal())
        } else {
            outcome.fail(AgentError.notAnAgent(agent: agent, detail: "it closed the connection without answering the upgrade"))
        }
        context.fireChannelInactive()
    }

    /// A failed TLS handshake in words that say what to change.
    static func words(forTLS error: Error, terms: AdviceTerms) -> String {
        let text = "\(error)"
        if text.contains("CERTIFICATE_VERIFY_FAILED") {
            return "its TLS certificate is not trusted here; if a private CA signed it (or it signed itself), \(terms.trustCertificate)"
        }
        if let extra = error as? NIOSSLExtraError, extra == .failedToValidateHostname {
            return "its TLS certificate is not for this name or address"
        }
        if text.contains("WRONG_VERSION_NUMBER") || text.contains("PACKET_LENGTH_TOO_LONG") {
            return "it does not speak TLS (an agent without TLS is ws://HOST:PORT)"
        }
        return "the TLS handshake failed: \(text)"
    }

    /// Completing twice is harmless (a promise keeps its first result).
    private func finish(context: ChannelHandlerContext, with error: AgentError) {
        outcome.fail(error)
        context.close(promise: nil)
    }

    private func refusal() -> AgentError {
        guard let response else {
            return .notAnAgent(agent: agent, detail: "it answered without a status line")
        }
        let status = Int(response.status.code)
        guard status >= 400 else {
            return .notAnAgent(agent: agent, detail: "it answered \(status) \(response.status.reasonPhrase) instead of upgrading to a WebSocket")
        }
        return .refused(AgentError.Refusal(agent: agent, route: route, status: status, reason: response.status.reasonPhrase,
                                           message: Self.message(in: body), tokenSource: tokenSource))
    }

    /// The body's `{"message": "..."}`, else its first line if it is short
    /// text; nil when there is nothing a person could read.
    static func message(in body: ByteBuffer) -> String? {
        let bytes = Data(body.readableBytesView)
        if let object = try? JSONSerialization.jsonObject(with: bytes) as? [String: Any],
           let message = object["message"] as? String {
            let printable = AgentError.printable(message)
            return printable.isEmpty ? nil : printable
        }
        guard let text = String(data: bytes, encoding: .utf8),
              let line = text.split(whereSeparator: \.isNewline).first else { return nil }
        let printable = AgentError.printable(String(line))
        return printable.isEmpty || printable.hasPrefix("<") ? nil : printable
    }
}

@available(*, unavailable)
extension UpgradeRequestHandler: Sendable {}
