import ArgumentParser
import Foundation
import SluiceAgent
import SluiceCore
import SluiceSSH

struct AgentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Serve forwards to the services on this machine over WebSocket, as a node agent (docs/agent-protocol.md).",
        discussion: """
            Clients (sluice port-forward, agent servers in the store) open ws://ADDRESS:PORT/api/v1/forward/PROJECT/SERVICE/PORT; \
            the agent connects to PORT where the services file says the service runs: an address, a network namespace \
            (/var/run/netns/NAME) or a process's namespace (its pid), and relays the bytes. The services file is read again \
            whenever it changes; one that does not parse leaves the previous services in use.
            Listening beyond loopback needs --token-file (clients send Authorization: Bearer TOKEN) or --insecure-no-auth. \
            --max-connections N (default \(LinkTuning.defaultMaxConnections)) caps the streams open at once; a request past it gets 503. \
            SIGHUP reads the token file again. SIGINT or SIGTERM stops accepting, lets streams finish for --drain seconds, \
            closes the rest (1001) and exits 0; a second one closes them at once.
            Example:
              sluice agent --listen 0.0.0.0:9090 --services /etc/sluice/services.json --token-file /etc/sluice/token
            """
    )

    static let pingIntervalRange = NumberRange(noun: "a number of seconds", range: 0...3600)

    @Option(name: .long, help: ArgumentHelp("Where to listen: ADDRESS:PORT, [IPv6]:PORT, or PORT for 127.0.0.1 (0 picks a free port).", valueName: "address"))
    var listen = "127.0.0.1:\(ListenAddress.defaultPort)"
    @Option(name: .long, help: ArgumentHelp("The services file (JSON): projects, their phase and where each service runs.", valueName: "file"),
            completion: .file(extensions: ["json"]))
    var services: String
    @Option(name: .customLong("token-file"), help: ArgumentHelp("A file whose first line is the token clients must send.", valueName: "file"),
            completion: .file())
    var tokenFile: String?
    @Flag(name: .customLong("insecure-no-auth"), help: "Listen beyond loopback without a token (only behind something else that keeps strangers out).")
    var insecureNoAuth = false
    @Option(name: .customLong("tls-cert"), help: ArgumentHelp("A PEM certificate chain: serve wss:// (with --tls-key).", valueName: "file"), completion: .file())
    var tlsCert: String?
    @Option(name: .customLong("tls-key"), help: ArgumentHelp("The PEM private key of --tls-cert.", valueName: "file"), completion: .file())
    var tlsKey: String?
    @Option(name: .long, help: ArgumentHelp("How to log each connection: text or json (one object per line).", valueName: "format"))
    var log: String = AgentLog.Format.text.rawValue
    /// `--max-connections`: the root command declares it (the SSH engine's
    /// per-forward limit) and so parses it wherever it is typed; this
    /// command reads the root's value, as a limit on streams open at once.
    @OptionGroup(visibility: .hidden) var link: LinkOptions
    @Option(name: .customLong("ping-interval"),
            help: ArgumentHelp("Seconds a quiet client may stay silent before a ping, and again before it is dropped (0: never).", valueName: "seconds"))
    var pingInterval: Double = 30
    @Option(name: .long, help: ArgumentHelp("Seconds open streams may take to finish after SIGINT or SIGTERM (0 to 3600).", valueName: "seconds"))
    var drain: Double = 5

    func validate() throws {
        guard AgentLog.Format(rawValue: log) != nil else {
            throw ValidationError("--log must be text or json (got '\(TerminalText.echo(log))')")
        }
        try Self.pingIntervalRange.check(pingInterval, option: "--ping-interval")
        try DrainOptions.range.check(drain, option: "--drain")
    }

    func run() throws {
        let logger = AgentLog(format: AgentLog.Format(rawValue: log) ?? .text)
        try SignalPipe.install([SIGINT, SIGTERM, SIGHUP])
        let server: AgentServer
        do {
            let options = AgentOptions(listen: try ListenAddress(parsing: listen), servicesPath: services, tokenPath: tokenFile,
                                       insecureNoAuth: insecureNoAuth, tlsCertificatePath: tlsCert, tlsKeyPath: tlsKey,
                                       maxConnections: link.maxConnections, keepalive: pingInterval, drain: drain)
            server = try AgentServer(options: options) { logger.write($0) }
            try server.start()
        } catch {
            throw Self.failure(for: error)
        }
        var stopping = false
        while !server.isStopped {
            var waiter = pollfd(fd: SignalPipe.readFD, events: Int16(POLLIN), revents: 0)
            _ = poll(&waiter, 1, 100)
            for signal in SignalPipe.take() {
                if signal == SIGHUP {
                    server.reload()
                } else if stopping {
                    server.stopNow()
                } else {
                    stopping = true
                    server.beginShutdown()
                }
            }
        }
    }

    /// Startup errors with the exit statuses Sluice promises (ExitStatus):
    /// 64 for what the command line got wrong, 65 for a file that is not
    /// what it should be, 1 for the rest.
    private static func failure(for error: Error) -> Error {
        switch error {
        case let error as AgentError:
            switch error {
            case .listenAddress, .noTokenBeyondLoopback, .tlsHalf:
                return ExitStatus.Failure(message: error.description, code: ExitStatus.usage)
            case .tokenFile, .tls:
                return ExitStatus.Failure(message: error.description, code: ExitStatus.badData)
            case .cannotListen:
                return ExitStatus.Failure(message: error.description, code: ExitStatus.failure)
            }
        case let error as ServiceCatalogError:
            switch error {
            case .malformed, .invalid: return ExitStatus.Failure(message: error.description, code: ExitStatus.badData)
            case .unreadable: return ExitStatus.Failure(message: error.description, code: ExitStatus.failure)
            }
        default:
            return error
        }
    }
}
