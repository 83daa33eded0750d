import ArgumentParser
import SluiceSSH

/// How quickly a dead link is noticed and repaired, and how many
/// connections one forward takes.
struct LinkOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Seconds of silence before a keepalive is sent.", valueName: "seconds"))
    var keepalive: Double = 15
    @Option(name: .customLong("keepalive-count"), help: ArgumentHelp("Unanswered keepalives before the link counts as dead.", valueName: "n"))
    var keepaliveCount: Int = 3
    @Option(name: .customLong("connect-timeout"), help: ArgumentHelp("Seconds to wait for a server to answer.", valueName: "seconds"))
    var connectTimeout: Int = 15
    @Option(name: .customLong("max-connections"),
            help: ArgumentHelp("Connections one forward holds open at most; more wait until some close.", valueName: "n"))
    var maxConnections: Int = LinkTuning.defaultMaxConnections

    func validate() throws {
        guard keepalive > 0 else { throw ValidationError("--keepalive must be more than 0 seconds") }
        guard keepaliveCount >= 1 else { throw ValidationError("--keepalive-count must be at least 1") }
        guard connectTimeout >= 1 else { throw ValidationError("--connect-timeout must be at least 1 second") }
        guard maxConnections >= 1 else { throw ValidationError("--max-connections must be at least 1") }
    }

    var tuning: LinkTuning {
        LinkTuning(keepaliveInterval: keepalive, keepaliveCountMax: keepaliveCount, connectTimeout: connectTimeout,
                   maxConnections: maxConnections)
    }
}
