import ArgumentParser
import Foundation
import SluiceSSH
import SluiceWebSocket

struct PortForwardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "port-forward",
        abstract: "Forward a local port to a service behind a node agent (WebSocket), until Ctrl+C.",
        discussion: """
            Listens on 127.0.0.1:LOCAL_PORT (LOCAL_PORT defaults to REMOTE_PORT); each connection becomes \
            one WebSocket to the agent, which connects to REMOTE_PORT where PROJECT/SERVICE runs \
            (docs/agent-protocol.md). The agent is --node, or the project's node as the control plane says. \
            Ctrl+C closes the listener and lets open connections finish; a second Ctrl+C closes them now.

            Examples:
              sluice port-forward my-app/db 5432 --node 10.0.0.5:9090
              sluice port-forward my-app/db 15432:5432 --control-plane http://cp:8080
              sluice port-forward my-app/web 8080 --node wss://node-1.example.com:9443
            """
    )

    @Argument(help: ArgumentHelp("The service, as PROJECT/SERVICE.", valueName: "project/service"))
    var service: String
    @Argument(help: ArgumentHelp("[LOCAL_PORT:]REMOTE_PORT.", valueName: "ports"))
    var ports: String
    @Option(name: .long, help: ArgumentHelp("The agent: HOST:PORT, ws://HOST:PORT or wss://HOST:PORT; skips the control plane.", valueName: "agent"))
    var node: String?
    @Option(name: .customLong("control-plane"), help: ArgumentHelp("The control plane's URL, to find the project's node.", valueName: "url"))
    var controlPlane: String?
    @Option(name: .customLong("token-file"), help: ArgumentHelp("A file holding the bearer token for the agent and the control plane.", valueName: "file"))
    var tokenFile: String?
    @Option(name: .customLong("ca-file"), help: ArgumentHelp("Certificates (PEM) to trust for wss:// and https:// beside the system's, e.g. a self-signed agent's.", valueName: "file"))
    var caFile: String?
    @Option(name: .long, help: ArgumentHelp("WebSockets kept open ahead of connections (0 to 8; 0: one dial per connection).", valueName: "count"))
    var pool = AgentForward.Configuration.defaultPoolSize
    @OptionGroup var drain: DrainOptions

    static let poolRange = NumberRange(noun: "a whole number", range: 0...8)

    func validate() throws {
        try Self.poolRange.check(pool, option: "--pool")
    }

    func run() throws {
        // Made first: a process out of descriptors stops here, before
        // anything is listening.
        try SignalPipe.install()
        let stopped = try WakePipe()
        do {
            let status = try forward(stopped: stopped)
            if status != 0 { throw ExitCode(status) }
        } catch let error as AgentError {
            throw ExitStatus.Failure(message: Self.message(for: error), code: Self.exitCode(for: error))
        }
    }

    private func forward(stopped: WakePipe) throws(AgentError) -> Int32 {
        let mapping = try PortMapping(parsing: ports)
        let route = try ServiceRoute(reference: service, port: mapping.remote)
        let token = try tokenFile.map { path throws(AgentError) in try BearerToken(contentsOfFile: path) }
        let agent: AgentAddress
        if let node {
            agent = try AgentAddress(parsing: node)
        } else if let controlPlane {
            let resolution = try ControlPlane(parsing: controlPlane).resolve(project: route.project, token: token, caFile: caFile)
            resolution.warnings.forEach(Console.warn)
            agent = resolution.agent
        } else {
            throw .invalid("say where the agent is: --node HOST:PORT (or a ws:// or wss:// URL), or --control-plane URL to find \(route.project)'s node")
        }

        let forward = try AgentForward(AgentForward.Configuration(listenPort: mapping.local, route: route, agent: agent, token: token,
                                                                  poolSize: pool, caFile: caFile),
                                       report: { Console.error($0) })
        let port = try forward.start()
        Console.say("Forwarding 127.0.0.1:\(port) -> \(route.reference):\(route.port)")
        waitForStop(forward, stopped: stopped)
        Console.say("Stopped.")
        return 0
    }

    /// Until Ctrl+C or SIGTERM; then the drain, which a second signal cuts short.
    private func waitForStop(_ forward: AgentForward, stopped: WakePipe) {
        var stopping = false
        while true {
            var fds = [pollfd(fd: SignalPipe.readFD, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: stopped.fd, events: Int16(POLLIN), revents: 0)]
            _ = poll(&fds, nfds_t(fds.count), -1)
            if stopped.drain() { return }
            guard !SignalPipe.take().isEmpty else { continue }
            if !stopping {
                stopping = true
                Console.say("Closing the listener; letting open connections finish (up to \(DrainOptions.shown(drain.drain)) s; Ctrl+C again to close them now).")
                let deadline = Date().addingTimeInterval(drain.drain)
                Thread { forward.stop(drainDeadline: deadline); stopped.wake() }.start()
            } else {
                Console.say("Closing open connections now.")
                forward.stopNow()
            }
        }
    }

    /// A port that cannot be bound is told as for SSH forwards: who holds it.
    private static func message(for error: AgentError) -> String {
        if case let .cannotListen(host, port, code) = error {
            return ListenCheck.bindProblem(code: code, host: host, port: port)
        }
        return error.description
    }

    /// Bad input is a usage error (64), as elsewhere; a port in use, an
    /// agent or control plane that refuses, 1.
    private static func exitCode(for error: AgentError) -> Int32 {
        if case .invalid = error { return ExitStatus.usage }
        return ExitStatus.failure
    }
}
