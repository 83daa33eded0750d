import ArgumentParser

struct ServerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Save, change or remove a server.",
        subcommands: [ServerAddCommand.self, ServerEditCommand.self, ServerRemoveCommand.self]
    )
}
