import ArgumentParser
import SluiceCore

struct ImportSSHConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-ssh-config",
        abstract: "Save the hosts of your ssh config as servers, with their LocalForward, RemoteForward and DynamicForward lines.",
        discussion: """
            Each Host alias becomes a server of that name, with the HostName, User, Port, IdentityFile and \
            ProxyJump ssh would use for it. Wildcard patterns (Host *) are not servers, but their settings \
            apply to the hosts they match, as in ssh. Servers saved before keep their settings and gain only \
            forwards they lack, so running it again adds nothing twice.
            """
    )

    @OptionGroup var store: StoreOptions
    @Option(name: .long, help: ArgumentHelp("The ssh config to read.", valueName: "file"))
    var file: String?
    @Argument(help: ArgumentHelp("Only these hosts (default: every host).", valueName: "host"))
    var hosts: [String] = []

    func run() throws {
        let home = HomeDirectory.path()
        let path = file.map { HomeDirectory.expandingTilde($0) } ?? home + "/.ssh/config"
        let config = try SSHConfig(file: path, home: home)
        config.warnings.forEach(Console.warn)
        let settings = config.settings(for: try config.aliases(selecting: hosts))
        for host in settings {
            host.problems.forEach { Console.warn("\(TerminalText.echo(host.alias)): \($0)") }
        }
        let outcomes = try store.resolved.update { document in document.importHosts(settings) }
        if outcomes.isEmpty {
            Console.say("\(TerminalText.path(path)) names no hosts to import (only wildcard patterns, or nothing).")
        }
        // One write for all: an import of 100,000 hosts is not 100,000
        // system calls.
        if !outcomes.isEmpty { Console.say(outcomes.map(Self.describe).joined(separator: "\n")) }
    }

    private static func describe(_ outcome: SSHImportOutcome) -> String {
        func forwards(_ count: Int) -> String { "\(count) forward\(count == 1 ? "" : "s")" }
        switch outcome {
        case let .added(server, count): return "Added \(server) with \(forwards(count))."
        case let .updated(server, count): return "\(server) was saved already; added \(forwards(count))."
        case let .unchanged(server): return "\(server) is saved already with all its forwards."
        case let .skipped(alias, reason): return "Skipped \(TerminalText.echo(alias)): \(reason)."
        }
    }
}
