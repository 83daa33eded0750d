import NIOCore
import NIOHTTP1
import NIOWebSocket
import SluiceNIOSupport

/// swift-nio's WebSocket server upgrade (its checks of the request, its
/// `Sec-WebSocket-Accept`, its frame encoder), with Sluice's
/// StreamingFrameDecoder reading the client's frames: swift-nio's upgrader
/// installs its own decoder, which gathers every frame that spans two
/// reads into one buffer, a copy of nearly every byte of an upload.
/// Protocol errors are the relay's to handle, as they were with swift-nio's
/// (no automatic error handling).
final class StreamingServerUpgrader: HTTPServerProtocolUpgrader, Sendable {
    private let standard: NIOWebSocketServerUpgrader
    private let maxFrameSize: Int
    private let upgradePipelineHandler: @Sendable (Channel, HTTPRequestHead) -> EventLoopFuture<Void>

    init(maxFrameSize: Int,
         shouldUpgrade: @escaping @Sendable (Channel, HTTPRequestHead) -> EventLoopFuture<HTTPHeaders?>,
         upgradePipelineHandler: @escaping @Sendable (Channel, HTTPRequestHead) -> EventLoopFuture<Void>) {
        standard = NIOWebSocketServerUpgrader(maxFrameSize: maxFrameSize, automaticErrorHandling: false,
                                              shouldUpgrade: shouldUpgrade) { channel, _ in
            channel.eventLoop.makeSucceededVoidFuture()
        }
        self.maxFrameSize = maxFrameSize
        self.upgradePipelineHandler = upgradePipelineHandler
    }

    var supportedProtocol: String { standard.supportedProtocol }
    var requiredUpgradeHeaders: [String] { standard.requiredUpgradeHeaders }

    func buildUpgradeResponse(channel: Channel, upgradeRequest: HTTPRequestHead,
                              initialResponseHeaders: HTTPHeaders) -> EventLoopFuture<HTTPHeaders> {
        standard.buildUpgradeResponse(channel: channel, upgradeRequest: upgradeRequest, initialResponseHeaders: initialResponseHeaders)
    }

    func upgrade(context: ChannelHandlerContext, upgradeRequest: HTTPRequestHead) -> EventLoopFuture<Void> {
        let channel = context.channel
        let maxFrameSize = self.maxFrameSize
        return channel.eventLoop.makeCompletedFuture {
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(WebSocketFrameEncoder())
            try pipeline.addHandler(StreamingFrameDecoder(maxFrameSize: maxFrameSize))
        }.flatMap {
            self.upgradePipelineHandler(channel, upgradeRequest)
        }
    }
}
