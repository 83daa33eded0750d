import ArgumentParser
import SluiceCore

struct ForwardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forward",
        abstract: "Forward ports through a server now, without saving anything, until Ctrl+C.",
        discussion: """
            Examples:
              sluice forward deploy@db.example.com -L 5432:localhost:5432
              sluice forward db 5432 15432:6379        (shorthand: -L 5432:127.0.0.1:5432, -L 15432:127.0.0.1:6379)
              sluice forward bastion -D 1080 -R 8080:127.0.0.1:3000
            """
    )

    @OptionGroup var link: LinkOptions
    @Argument(help: "[user@]host[:port] or an ssh config alias.") var destination: String
    @Argument(help: ArgumentHelp("Local forwards in shorthand: PORT or LOCALPORT:REMOTEPORT.", valueName: "shorthand"))
    var shorthand: [String] = []
    @Option(name: .customShort("L", allowingJoined: true), help: ArgumentHelp("A local forward.", valueName: "spec"))
    var local: [String] = []
    @Option(name: .customShort("R", allowingJoined: true), help: ArgumentHelp("A reverse forward.", valueName: "spec"))
    var reverse: [String] = []
    @Option(name: .customShort("D", allowingJoined: true), help: ArgumentHelp("A dynamic (SOCKS5) forward.", valueName: "spec"))
    var dynamic: [String] = []
    @Option(name: .long, help: ArgumentHelp("A private key file to log in with.", valueName: "file"))
    var identity: String?
    @Option(name: .long, help: ArgumentHelp("A server to jump through, as ssh -J takes it.", valueName: "host"))
    var jump: String?
    @OptionGroup var drain: DrainOptions

    func run() throws {
        // Here, not in validate: an unknown option is reported only once
        // validate has passed, and this would hide it (see AddCommand).
        guard !(shorthand + local + reverse + dynamic).isEmpty else {
            throw ValidationError("say what to forward, e.g. sluice forward \(TerminalText.echo(destination)) -L 5432:localhost:5432 (or just 5432)")
        }
        let specs = try (shorthand + local).map { try ForwardSpec(parsing: $0, kind: .local) }
            + reverse.map { try ForwardSpec(parsing: $0, kind: .reverse) }
            + dynamic.map { try ForwardSpec(parsing: $0, kind: .dynamic) }
        var server = Server(name: destination, destination: try Destination(parsing: destination), identityFile: identity,
                            jumpHost: try jump.flatMap { try JumpChain(parsing: $0)?.description })
        try server.validateConnection()
        for spec in specs {
            try server.addForward(Forward(name: server.unusedName(for: spec), spec: spec))
        }
        let status = HeadlessSession(servers: [server], tuning: link.tuning, drainSeconds: drain.drain).run()
        if status != 0 { throw ExitCode(status) }
    }
}
