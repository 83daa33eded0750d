extension StreamRelay {
    /// What the agent's options say of every stream.
    struct Settings: Sendable {
        /// The largest frame taken from a client, and sent to one.
        var maxFrameSize: Int
        /// Seconds of silence before a ping, and again before giving up; 0: never.
        var keepalive: Double

        /// The keepalive as a person reads it: `30 s`, `0.5 s`.
        var keepaliveShown: String {
            keepalive == keepalive.rounded() ? "\(Int(keepalive)) s" : "\(keepalive) s"
        }
    }
}
