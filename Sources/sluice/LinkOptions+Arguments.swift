extension LinkOptions {
    /// The same options as command-line arguments, for the background
    /// engine started on this command's behalf.
    var arguments: [String] {
        ["--keepalive", String(keepalive), "--keepalive-count", String(keepaliveCount),
         "--connect-timeout", String(connectTimeout), "--max-connections", String(maxConnections)]
    }
}
