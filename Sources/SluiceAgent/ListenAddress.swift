import Foundation
import SluiceCore

/// Where the agent listens: `ADDRESS:PORT`, `[IPv6]:PORT`, or a port alone
/// for 127.0.0.1. Port 0 lets the system choose (the start line says which).
public struct ListenAddress: Equatable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public static let defaultPort = 9090

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public init(parsing text: String) throws(AgentError) {
        var hostPart: Substring
        var portPart: Substring
        if text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) && !text.isEmpty {
            hostPart = "127.0.0.1"
            portPart = Substring(text)
        } else if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                throw .listenAddress(text: text, problem: "an IPv6 address in brackets needs :PORT after it")
            }
            hostPart = text[text.index(after: text.startIndex)..<close]
            portPart = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else {
                throw .listenAddress(text: text, problem: "no port (or an IPv6 address without brackets)")
            }
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
        }
        guard let port = Int(portPart), (0...65535).contains(port), portPart.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            throw .listenAddress(text: text, problem: "the port should be a number from 0 to 65535")
        }
        if hostPart.isEmpty { hostPart = "0.0.0.0" }
        if let problem = HostRule.problem(with: String(hostPart)) {
            throw .listenAddress(text: text, problem: "the address \(problem)")
        }
        self.init(host: String(hostPart), port: port)
    }

    /// True for addresses only this machine can reach: 127.0.0.0/8, ::1,
    /// their IPv4-mapped form, and "localhost". Any other name counts as
    /// reachable, since what it resolves to can change.
    public var isLoopback: Bool {
        if host == "localhost" { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 {
            return UInt32(bigEndian: v4.s_addr) >> 24 == 127
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 {
            let bytes = withUnsafeBytes(of: &v6) { Array($0) }
            if bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return true }
            let mapped = bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF
            return mapped && bytes[12] == 127
        }
        return false
    }

    /// `127.0.0.1:9090`, `[::1]:9090`.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
