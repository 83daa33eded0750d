/// Where a service listens, as the services file says: the agent connects
/// to `{port}` there.
public enum ServiceLocation: Equatable, Sendable {
    /// A host seen from the agent's own network namespace: "localhost"
    /// when the file names none.
    case host(String)
    /// Inside the network namespace that an nsfs file stands for:
    /// `/var/run/netns/NAME` as `ip netns add` makes it.
    case namespace(path: String)
    /// Inside the network namespace of a running process (a container's
    /// first process): `/proc/PID/ns/net`.
    case process(pid: Int32)

    /// Where `ip netns` keeps its namespaces: a bare name in the file means one there.
    public static let namedNamespaceFolder = "/var/run/netns"

    /// The nsfs file to join, or nil for a host in the agent's own namespace.
    public var namespacePath: String? {
        switch self {
        case .host: return nil
        case .namespace(let path): return path
        case .process(let pid): return "/proc/\(pid)/ns/net"
        }
    }

    /// The host to connect to: inside a namespace, that namespace's loopback.
    public var connectHost: String {
        if case .host(let host) = self { return host }
        return "127.0.0.1"
    }

    /// For messages: "localhost", "network namespace /var/run/netns/app1",
    /// "the network namespace of process 4242".
    public var shown: String {
        switch self {
        case .host(let host): return host
        case .namespace(let path): return "network namespace \(path)"
        case .process(let pid): return "the network namespace of process \(pid)"
        }
    }
}
