import NIOCore
import NIOPosix

extension ClientBootstrap {
    /// Connects straight to an address written as one (`127.0.0.1`,
    /// `::1`); a name goes through swift-nio's resolver. The resolver runs
    /// getaddrinfo on a Dispatch thread and happy eyeballs after it: two
    /// thread hops and a few hundred microseconds of CPU on every new
    /// WebSocket, for an answer the address already is.
    public func connect(skippingResolutionOf host: String, port: Int) -> EventLoopFuture<Channel> {
        if let address = try? SocketAddress(ipAddress: host, port: port) {
            return connect(to: address)
        }
        return connect(host: host, port: port)
    }
}
