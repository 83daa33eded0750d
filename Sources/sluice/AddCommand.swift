import ArgumentParser
import SluiceCore

struct AddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Save a forward on a server.",
        discussion: """
            SPEC is written as for OpenSSH's flags:
              -L [bind_address:]port:host:hostport   a local port reaches host:hostport from the server
              -R [bind_address:]port:host:hostport   a port on the server reaches host:hostport from here
              -D [bind_address:]port                 a SOCKS5 proxy here whose connections leave from the server
            Shorthand for -L: '-L 5432' is 5432:127.0.0.1:5432, '-L 15432:5432' is 15432:127.0.0.1:5432.
            Without a bind address, local listeners take 127.0.0.1 and the server is asked for its loopback.
            """
    )

    @OptionGroup var store: StoreOptions
    @Argument(help: "The server's name.", completion: StoreCompletion.servers) var server: String
    @Option(name: .customShort("L", allowingJoined: true), help: ArgumentHelp("A local forward.", valueName: "spec"))
    var local: String?
    @Option(name: .customShort("R", allowingJoined: true), help: ArgumentHelp("A reverse forward.", valueName: "spec"))
    var reverse: String?
    @Option(name: .customShort("D", allowingJoined: true), help: ArgumentHelp("A dynamic (SOCKS5) forward.", valueName: "spec"))
    var dynamic: String?
    @Option(name: .long, help: ArgumentHelp("Its name; by default L, R or D and the port, e.g. L5432.", valueName: "name"))
    var name: String?
    @Flag(name: .long, help: "Save it switched off.")
    var disabled = false

    /// Checked in run, not validate: the argument parser reports an
    /// unknown option (`-X 1`) only once validate has passed, and "say what
    /// to forward" would hide the real mistake.
    private func checkOneForwardGiven() throws {
        let given = [local, reverse, dynamic].compactMap { $0 }
        guard given.count == 1 else {
            throw ValidationError(given.isEmpty
                ? "say what to forward with one of -L, -R or -D, e.g. sluice add \(TerminalText.echo(server)) -L 5432:localhost:5432"
                : "give one forward at a time (one of -L, -R or -D)")
        }
    }

    func run() throws {
        try checkOneForwardGiven()
        let (spec, forward, conflicts) = try store.resolved.update { document in
            // A target is a host for SSH, a service for an agent server.
            let spec = try parseSpec(targets: try document.server(named: server).targetRule)
            let forward = try document.addForward(spec, to: server, name: name, enabled: !disabled)
            let reference = ForwardReference(server: server, forward: forward.name)
            return (spec, forward, document.listenConflicts(with: spec, on: server, excluding: reference))
        }
        Console.say("Saved \(server)/\(forward.name): \(spec) (\(spec.route))\(disabled ? ", switched off" : "").")
        Console.warnAboutSaved(spec, as: ForwardReference(server: server, forward: forward.name), conflicts: conflicts)
    }

    private func parseSpec(targets: ForwardSpec.TargetRule) throws(ForwardSpecError) -> ForwardSpec {
        if let local { return try ForwardSpec(parsing: local, kind: .local, targets: targets) }
        if let reverse { return try ForwardSpec(parsing: reverse, kind: .reverse, targets: targets) }
        return try ForwardSpec(parsing: dynamic ?? "", kind: .dynamic, targets: targets)
    }
}
