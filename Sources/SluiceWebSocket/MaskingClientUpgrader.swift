import NIOCore
import NIOHTTP1
import NIOWebSocket
import SluiceNIOSupport

/// swift-nio's WebSocket client upgrade (its request key, its check of the
/// agent's `Sec-WebSocket-Accept`, its protocol error handling), with
/// Sluice's MaskingFrameEncoder writing the frames and its
/// StreamingFrameDecoder reading them: swift-nio's upgrader installs its
/// own encoder and decoder, and its encoder cannot be removed from a
/// pipeline once there.
final class MaskingClientUpgrader: NIOHTTPClientProtocolUpgrader, Sendable {
    private let standard: NIOWebSocketClientUpgrader
    private let maxFrameSize: Int
    private let upgradePipelineHandler: @Sendable (Channel, HTTPResponseHead) -> EventLoopFuture<Void>

    init(maxFrameSize: Int, upgradePipelineHandler: @escaping @Sendable (Channel, HTTPResponseHead) -> EventLoopFuture<Void>) {
        standard = NIOWebSocketClientUpgrader(maxFrameSize: maxFrameSize, automaticErrorHandling: true) { channel, _ in
            channel.eventLoop.makeSucceededVoidFuture()
        }
        self.maxFrameSize = maxFrameSize
        self.upgradePipelineHandler = upgradePipelineHandler
    }

    var supportedProtocol: String { standard.supportedProtocol }
    var requiredUpgradeHeaders: [String] { standard.requiredUpgradeHeaders }

    func addCustom(upgradeRequestHeaders: inout HTTPHeaders) {
        standard.addCustom(upgradeRequestHeaders: &upgradeRequestHeaders)
    }

    func shouldAllowUpgrade(upgradeResponse: HTTPResponseHead) -> Bool {
        standard.shouldAllowUpgrade(upgradeResponse: upgradeResponse)
    }

    func upgrade(context: ChannelHandlerContext, upgradeResponse: HTTPResponseHead) -> EventLoopFuture<Void> {
        let channel = context.channel
        let maxFrameSize = self.maxFrameSize
        return channel.eventLoop.makeCompletedFuture {
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(MaskingFrameEncoder())
            try pipeline.addHandler(StreamingFrameDecoder(maxFrameSize: maxFrameSize))
            try pipeline.addHandler(WebSocketProtocolErrorHandler(isServer: false))
        }.flatMap {
            self.upgradePipelineHandler(channel, upgradeResponse)
        }
    }
}
