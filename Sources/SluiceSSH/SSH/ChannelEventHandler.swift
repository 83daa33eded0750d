/// Receives what libssh delivers for one channel. Called on the session's
/// thread from inside libssh calls, so a handler only queues data and sets
/// flags: it never frees or reshapes anything.
protocol ChannelEventHandler: AnyObject {
    /// Returns how many bytes it took; libssh keeps the rest and offers it
    /// again with the next packet, or the owner drains it later.
    func channelReceived(_ bytes: UnsafeRawBufferPointer) -> Int
    func channelReceivedEOF()
    func channelClosed()
}
