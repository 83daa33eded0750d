import Foundation
import SluiceCore

/// A socket operation that failed, said the way a user can act on it.
public struct SocketError: Error, Equatable, Sendable, CustomStringConvertible {
    public var code: Int32
    public var description: String

    public init(code: Int32, description: String) {
        self.code = code
        self.description = description
    }

    /// Words for a failed bind of `address:port` on this machine.
    static func bind(_ code: Int32, address: String, port: Int) -> SocketError {
        let text: String
        switch code {
        case EADDRINUSE:
            let owner = PortOwner.describe(port: port).map { " (by \($0))" } ?? ""
            text = "port \(port) is already in use on this machine\(owner)"
        case EACCES:
            text = port < 1024
                ? "port \(port) needs root: ports below 1024 are privileged; pick a port of 1024 or above"
                : "not permitted to listen on \(Endpoint.bracketed(address)):\(port)"
        case EADDRNOTAVAIL:
            text = "\(address) is not an address of this machine"
        default:
            text = "cannot listen on \(Endpoint.bracketed(address)):\(port): \(String(cString: strerror(code)))"
        }
        return SocketError(code: code, description: text)
    }

    static func system(_ operation: String, _ code: Int32) -> SocketError {
        SocketError(code: code, description: "\(operation): \(String(cString: strerror(code)))")
    }
}
