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

    /// True when a listener on this endpoint is reachable only from this machine.
    public var isLoopback: Bool {
        let address = bindAddress
        return address == "::1" || address.hasPrefix("127.")
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
        host.contains(":") ? "[\(host)]" : host
    }
}
