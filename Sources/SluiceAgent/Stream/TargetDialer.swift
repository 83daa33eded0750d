import Foundation
import NIOCore
import NIOPosix
import SluiceNIOSupport

/// Opens a stream's TCP connection to its service, on the event loop of
/// the stream's WebSocket, so the relay between the two needs no hops.
/// A host is dialled by NIO; a namespace by `NamespaceDialer`'s own
/// thread, whose connected socket NIO then adopts. Failures come as
/// `TargetDialError`, in words for the client's close reason.
struct TargetDialer {
    let target: TargetDescription

    func connect(on loop: EventLoop, initializer: @escaping @Sendable (Channel) -> EventLoopFuture<Void>) -> EventLoopFuture<Channel> {
        let target = self.target
        guard let namespace = target.location.namespacePath else {
            return Self.bootstrap(loop, target: target, initializer: initializer).connect(skippingResolutionOf: target.location.connectHost, port: target.route.port)
                .flatMapErrorThrowing { throw Self.explain($0, target: target) }
        }
        let socket = loop.makePromise(of: Int32.self)
        NamespaceDialer.connect(namespace: namespace, target: target) { result in
            switch result {
            case .success(let fd): socket.succeed(fd)
            case .failure(let error): socket.fail(error)
            }
        }
        return socket.futureResult.flatMap { fd in
            Self.bootstrap(loop, target: target, initializer: initializer).withConnectedSocket(fd).flatMapErrorThrowing { throw Self.explain($0, target: target) }
        }
    }

    private static func bootstrap(_ loop: EventLoop, target: TargetDescription,
                                  initializer: @escaping @Sendable (Channel) -> EventLoopFuture<Void>) -> ClientBootstrap {
        ClientBootstrap(group: loop)
            .connectTimeout(.milliseconds(Int64(target.connectTimeout * 1000)))
            .channelInitializer { channel in
                do {
                    try RelaySocketOptions(allowRemoteHalfClosure: true, waterMark: StreamRelay.waterMark).apply(to: channel)
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
                return initializer(channel)
            }
    }

    /// NIO's errors in the words of `TargetDescription`.
    private static func explain(_ error: Error, target: TargetDescription) -> TargetDialError {
        switch error {
        case let error as TargetDialError:
            return error
        case let error as NIOConnectionError:
            if error.connectionErrors.isEmpty {
                return target.otherFailure("the name \(target.location.connectHost) does not resolve")
            }
            // Happy eyeballs tried each address; a refusal on one (::1 for
            // "localhost") says more than a timeout on another.
            let codes = error.connectionErrors.map { code(of: $0.error) }
            if codes.contains(ECONNREFUSED) { return target.connectFailure(errno: ECONNREFUSED) }
            if let first = codes.first(where: { $0 != nil }), let first { return target.connectFailure(errno: first) }
            return target.otherFailure("\(error.connectionErrors[0].error)")
        default:
            if let code = code(of: error) { return target.connectFailure(errno: code) }
            return target.otherFailure("\(error)")
        }
    }

    private static func code(of error: Error) -> Int32? {
        if let error = error as? IOError { return error.errnoCode }
        if case ChannelError.connectTimeout = error { return ETIMEDOUT }
        return nil
    }
}
