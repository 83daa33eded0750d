/// Whether a listener could be opened on a local address right now: what
/// the screen's form asks before a forward is saved.
public enum ListenCheck {
    /// nil when `host:port` is free; else why not, in words a user can act
    /// on (e.g. "port 5432 is already in use on this machine (by postgres, pid 812)").
    public static func problem(host: String, port: Int) -> String? {
        do {
            _ = try Socket.listen(host: host, port: port, backlog: 1)
            return nil
        } catch {
            return error.description
        }
    }

    /// The words for a bind of `host:port` that failed with `code` (errno)
    /// elsewhere, e.g. in the agent transport's listener: the same as an
    /// SSH forward's, who holds the port included.
    public static func bindProblem(code: Int32, host: String, port: Int) -> String {
        SocketError.bind(code, address: host, port: port).description
    }
}
