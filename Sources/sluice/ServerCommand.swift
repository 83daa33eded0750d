import ArgumentParser

struct ServerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Save or remove a server.",
        subcommands: [ServerAddCommand.self, ServerRemoveCommand.self]
    )
}
