import NIOCore
import NIOHTTP1
import NIOSSL

/// HTTPGet's end of the pipeline: sends the request once connected and hands on the aggregated answer.
final class HTTPGetHandler: ChannelInboundHandler {
    typealias InboundIn = NIOHTTPClientResponseFull
    typealias OutboundOut = HTTPClientRequestPart

    private let request: HTTPRequestHead
    private let answer: EventLoopPromise<HTTPGet.Answer>
    private let terms: AdviceTerms

    init(request: HTTPRequestHead, answer: EventLoopPromise<HTTPGet.Answer>, terms: AdviceTerms) {
        self.request = request
        self.answer = answer
        self.terms = terms
    }

    func channelActive(context: ChannelHandlerContext) {
        context.write(wrapOutboundOut(.head(request)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let full = unwrapInboundIn(data)
        answer.succeed(HTTPGet.Answer(status: Int(full.head.status.code), reason: full.head.status.reasonPhrase,
                                      body: full.body ?? ByteBuffer()))
        context.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if error is NIOHTTPObjectAggregatorError {
            answer.fail(HTTPGet.Failure.notHTTP("its answer is larger than 1 MiB"))
        } else if error is HTTPParserError {
            answer.fail(HTTPGet.Failure.notHTTP("it does not speak HTTP"))
        } else if error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError {
            answer.fail(HTTPGet.Failure.notHTTP(UpgradeRequestHandler.words(forTLS: error, terms: terms)))
        } else {
            answer.fail(HTTPGet.Failure.notHTTP("\(error)"))
        }
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        answer.fail(HTTPGet.Failure.notHTTP("it closed the connection without a whole answer"))
        context.fireChannelInactive()
    }
}

@available(*, unavailable)
extension HTTPGetHandler: Sendable {}
