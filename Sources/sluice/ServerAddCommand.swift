import ArgumentParser
import SluiceCore

struct ServerAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Save a server to forward through.",
        discussion: "DESTINATION is [user@]host[:port] or a Host alias from ~/.ssh/config."
    )

    @OptionGroup var store: StoreOptions
    @Argument(help: "The name you will use for it, e.g. db.") var name: String
    @Argument(help: "[user@]host[:port] or an ssh config alias.") var destination: String
    @Option(name: .long, help: ArgumentHelp("A private key file to log in with (none: the agent and ~/.ssh keys).", valueName: "file"), completion: .file())
    var identity: String?
    @Option(name: .long, help: ArgumentHelp("A server to jump through, as ssh -J takes it.", valueName: "host"))
    var jump: String?

    func run() throws {
        // "none" is no key file of its own, as in an ssh config and server edit.
        let server = Server(name: name, destination: try Destination(parsing: destination),
                            identityFile: identity.flatMap { $0.lowercased() == ServerEditCommand.none ? nil : $0 },
                            jumpHost: try jump.flatMap { try JumpChain(parsing: $0)?.description })
        try store.resolved.update { document in try document.addServer(server) }
        Console.say("Saved server \(name) (\(server.destination)). Add a forward with: sluice add \(name) -L PORT")
    }
}
