import Foundation

/// One side of a forward: an address and a port.
///
/// `host` is `nil` when the user named no address; the listening side then
/// binds loopback, as OpenSSH does by default. An empty string and `*` mean
/// every interface, as in OpenSSH.
public struct Endpoint: Sendable, Hashable {
    public var host: String?
    public var port: Int

    public init(host: String?, port: Int) {
        self.host = host
        self.port = port
    }

    /// The address a listener actually binds.
    public var bindAddress: String {
        switch host {
        case nil, "localhost": return "127.0.0.1"
        case "", "*": return "0.0.0.0"
        case let address?: return address
        }
    }

    /// True when a listener on this endpoint is reachable only from this
    /// machine: an address in 127.0.0.0/8, `::1`, or `::ffff:127.x.x.x`.
    /// Only a parsed address counts: `127.evil.example.com` is a name that
    /// may resolve anywhere, and `127..0.1` is no address at all.
    public var isLoopback: Bool {
        let address = bindAddress
        var ipv4 = in_addr()
        if inet_pton(AF_INET, address, &ipv4) == 1 {
            return UInt32(bigEndian: ipv4.s_addr) >> 24 == 127
        }
        var ipv6 = in6_addr()
        guard inet_pton(AF_INET6, address, &ipv6) == 1 else { return false }
        return withUnsafeBytes(of: &ipv6) { bytes in
            let loopback = bytes.prefix(15).allSatisfy { $0 == 0 } && bytes[15] == 1
            let mappedLoopback = bytes.prefix(10).allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF && bytes[12] == 127
            return loopback || mappedLoopback
        }
    }

    /// The host as a user would type it into a client, IPv6 in brackets;
    /// the default host is shown as the address it stands for.
    public var displayHost: String {
        switch host {
        case nil: return Self.bracketed(bindAddress)
        case "": return "*"
        case let name?: return Self.bracketed(name)
        }
    }

    public var displayAddress: String { "\(displayHost):\(port)" }

    /// `host`, in brackets if it is an IPv6 address.
    public static func bracketed(_ host: String) -> String {
        host.utf8.contains(UInt8(ascii: ":")) ? "[\(host)]" : host
    }
}
