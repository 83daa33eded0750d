import ArgumentParser
import SluiceCore

struct ServerAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Save a server to forward through.",
        discussion: """
            DESTINATION is [user@]host[:port] or a Host alias from ~/.ssh/config for an SSH server, or \
            ws://HOST:PORT or wss://HOST:PORT for a node agent (docs/agent-protocol.md). An agent found \
            through a control plane takes --control-plane URL and --project NAME instead of a destination, \
            and is looked up again on every reconnect.

            Examples:
              sluice server add db deploy@db.example.com:2222
              sluice server add node1 ws://10.0.0.5:9090 --token-file ~/.config/sluice/node1.token
              sluice server add my-app --control-plane http://cp:8080 --project my-app
            """
    )

    @OptionGroup var store: StoreOptions
    @Argument(help: "The name you will use for it, e.g. db.") var name: String
    @Argument(help: "[user@]host[:port], an ssh config alias, or ws://HOST:PORT / wss://HOST:PORT for an agent.")
    var destination: String?
    @Option(name: .long, help: ArgumentHelp("A private key file to log in with (none: the agent and ~/.ssh keys).", valueName: "file"), completion: .file())
    var identity: String?
    @Option(name: .long, help: ArgumentHelp("A server to jump through, as ssh -J takes it.", valueName: "host"))
    var jump: String?
    @Option(name: .customLong("control-plane"), help: ArgumentHelp("Find the agent through this control plane (with --project).", valueName: "url"))
    var controlPlane: String?
    @Option(name: .long, help: ArgumentHelp("The project whose node's agent to use (with --control-plane).", valueName: "name"))
    var project: String?
    @Option(name: .customLong("token-file"), help: ArgumentHelp("Agents: a file holding the bearer token (the token is not saved).", valueName: "file"),
            completion: .file())
    var tokenFile: String?
    @Option(name: .customLong("ca-file"), help: ArgumentHelp("Agents: certificates (PEM) to trust for wss:// and https://.", valueName: "file"),
            completion: .file())
    var caFile: String?

    func run() throws {
        let address: ServerAddress
        switch (destination, controlPlane, project) {
        case (let destination?, nil, nil):
            address = try ServerAddress(parsing: destination)
        case (nil, let controlPlane?, let project?):
            address = try ServerAddress.project(project, controlPlane: controlPlane)
        case (nil, nil, nil):
            throw ValidationError("say where the server is: a destination ([user@]host[:port] or ws://HOST:PORT), or --control-plane URL --project NAME")
        case (_?, _, _):
            throw ValidationError("give a destination or --control-plane with --project, not both")
        default:
            throw ValidationError("--control-plane and --project go together: the control plane says where the project runs")
        }
        // "none" is no key file of its own, as in an ssh config and server edit.
        let server = Server(name: name, address: address,
                            identityFile: identity.flatMap { $0.lowercased() == ServerEditCommand.none ? nil : $0 },
                            jumpHost: try jump.flatMap { try JumpChain(parsing: $0)?.description },
                            tokenFile: tokenFile, caFile: caFile)
        try store.resolved.update { document in try document.addServer(server) }
        let example = address.isAgent ? "-L PORT:\(address.project ?? "PROJECT")/SERVICE:PORT" : "-L PORT"
        Console.say("Saved server \(name) (\(server.address)). Add a forward with: sluice add \(name) \(example)")
    }
}
