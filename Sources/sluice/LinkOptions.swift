import ArgumentParser
import SluiceSSH

/// How quickly a dead link is noticed and repaired, and how many
/// connections one forward takes.
struct LinkOptions: ParsableArguments {
    /// Fractions of a second are allowed (tests and impatient users want a
    /// quick verdict); an hour of silence is as long as any keepalive needs.
    static let keepaliveRange = NumberRange(noun: "a number of seconds", range: 0.1...3600)
    static let keepaliveCountRange = NumberRange(noun: "a whole number", range: 1...100)
    static let connectTimeoutRange = NumberRange(noun: "a whole number of seconds", range: 1...3600)
    /// More than a process's descriptors could hold on any system.
    static let maxConnectionsRange = NumberRange(noun: "a whole number", range: 1...1_000_000)

    @Option(name: .long, help: ArgumentHelp("Seconds without a packet from the server before a keepalive is sent (0.1 to 3600).", valueName: "seconds"))
    var keepalive: Double = LinkTuning.defaultKeepaliveInterval
    @Option(name: .customLong("keepalive-count"),
            help: ArgumentHelp("Unanswered keepalives before the link counts as dead, after keepalive x (count + 1) seconds of silence (1 to 100).",
                               valueName: "n"))
    var keepaliveCount: Int = LinkTuning.defaultKeepaliveCountMax
    @Option(name: .customLong("connect-timeout"), help: ArgumentHelp("Seconds to wait for a server to answer (1 to 3600).", valueName: "seconds"))
    var connectTimeout: Int = 15
    @Option(name: .customLong("max-connections"),
            help: ArgumentHelp("Connections one forward holds open at most; more wait until some close (1 to 1000000).", valueName: "n"))
    var maxConnections: Int = LinkTuning.defaultMaxConnections

    func validate() throws {
        try Self.keepaliveRange.check(keepalive, option: "--keepalive")
        try Self.keepaliveCountRange.check(keepaliveCount, option: "--keepalive-count")
        try Self.connectTimeoutRange.check(connectTimeout, option: "--connect-timeout")
        try Self.maxConnectionsRange.check(maxConnections, option: "--max-connections")
    }

    var tuning: LinkTuning {
        LinkTuning(keepaliveInterval: keepalive, keepaliveCountMax: keepaliveCount, connectTimeout: connectTimeout,
                   maxConnections: maxConnections)
    }
}
