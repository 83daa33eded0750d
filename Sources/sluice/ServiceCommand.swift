import ArgumentParser

struct ServiceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "service",
        abstract: "Run sluice up as a systemd user service.",
        subcommands: [ServiceInstallCommand.self]
    )
}
