import NIOCore

/// The socket options of a relay's channels, set as each channel's
/// initializer runs, through swift-nio's synchronous options, instead of
/// with a bootstrap's `channelOption`: a bootstrap applies its options one
/// future after another for every channel, which was 4 to 6 % of each
/// end's CPU in a run of short connections.
public struct RelaySocketOptions: Sendable {
    /// Whether a peer's EOF leaves the channel open for writing (the
    /// half-close the agent protocol carries).
    public var allowRemoteHalfClosure: Bool
    public var waterMark: ChannelOptions.Types.WriteBufferWaterMark

    /// Reads of the socket per wakeup of the event loop; nil leaves
    /// swift-nio's (four).
    public var readsPerWakeup: UInt?

    public init(allowRemoteHalfClosure: Bool, waterMark: ChannelOptions.Types.WriteBufferWaterMark, readsPerWakeup: UInt? = nil) {
        self.allowRemoteHalfClosure = allowRemoteHalfClosure
        self.waterMark = waterMark
        self.readsPerWakeup = readsPerWakeup
    }

    /// The largest read a relay's channel makes. swift-nio's reads start
    /// small and grow only while they come back full, so a stream that
    /// moves a request and an answer keeps small buffers; a transfer reads
    /// and writes 256 KiB at a time instead of swift-nio's 64 KiB, paying
    /// each read's and write's fixed cost a quarter as often (the agent's
    /// frames follow its reads; port-forward's stay at 64 KiB, see
    /// MaskingFrameEncoder). Measured in a run of uploads and downloads
    /// through both ends, alternating with 64 KiB (see the README's agent
    /// performance).
    public static let largestRead = 256 << 10

    /// Sets them, with TCP_NODELAY; on the channel's event loop.
    /// swift-nio's bootstraps set TCP_NODELAY by default too (a dialled
    /// socket directly, an accepted one through its listener), so for most
    /// channels this is a second setsockopt. It stays: a relay that waits
    /// for Nagle adds up to 40 ms to every small answer, and that must not
    /// hang on a default a bootstrap option (MPTCP) turns off.
    public func apply(to channel: Channel) throws {
        guard let options = channel.syncOptions else { throw ChannelError.operationUnsupported }
        try options.setOption(.tcpOption(.tcp_nodelay), value: 1)
        if allowRemoteHalfClosure { try options.setOption(.allowRemoteHalfClosure, value: true) }
        try options.setOption(.writeBufferWaterMark, value: waterMark)
        try options.setOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 2048, maximum: Self.largestRead))
        if let readsPerWakeup { try options.setOption(.maxMessagesPerRead, value: readsPerWakeup) }
    }
}
