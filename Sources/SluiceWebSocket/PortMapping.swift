/// `[LOCAL_PORT:]REMOTE_PORT` as `port-forward` takes it: the local port
/// defaults to the remote one.
public struct PortMapping: Sendable, Equatable {
    public let local: Int
    public let remote: Int

    public init(parsing text: String) throws(AgentError) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        switch parts.count {
        case 1:
            remote = try PortNumber.parse(text, role: "port")
            local = remote
        case 2:
            local = try PortNumber.parse(String(parts[0]), role: "local port")
            remote = try PortNumber.parse(String(parts[1]), role: "remote port")
        default:
            throw .invalid("\(AgentError.quoted(text)) is not [LOCAL_PORT:]REMOTE_PORT (e.g. 5432 or 15432:5432)")
        }
    }
}
