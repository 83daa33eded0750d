import ArgumentParser
import Foundation
import SluiceCore

struct ImportSSHConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-ssh-config",
        abstract: "Save the hosts of your ssh config as servers, with their LocalForward, RemoteForward and DynamicForward lines.",
        discussion: """
            Each Host alias becomes a server of that name, saved as the alias itself: Sluice looks it up in \
            ~/.ssh/config at every connect, as ssh does, so later edits there (HostName, User, Port, \
            IdentityFile, ProxyJump) apply. --resolve saves instead the HostName, User, Port, IdentityFile and \
            ProxyJump ssh would use today; hosts read from another file (--file) are always saved that way, \
            since Sluice would not find their aliases. Wildcard patterns (Host *) are not servers, but their \
            settings apply to the hosts they match, as in ssh. Servers saved before keep their settings and \
            gain only forwards they lack, so running it again adds nothing twice.
            """
    )

    @OptionGroup var store: StoreOptions
    @Option(name: .long, help: ArgumentHelp("The ssh config to read.", valueName: "file"), completion: .file())
    var file: String?
    @Flag(name: .long, help: "Save the address, key file and jump host the config gives now, not the alias.")
    var resolve = false
    @Argument(help: ArgumentHelp("Only these hosts (default: every host).", valueName: "host"))
    var hosts: [String] = []

    func run() throws {
        let home = HomeDirectory.path()
        let enginesConfig = home + "/.ssh/config"
        let path = file.map { HomeDirectory.expandingTilde($0) } ?? enginesConfig
        let config = try SSHConfig(file: path, home: home)
        let aliasesFound = Self.isSameFile(path, enginesConfig)
        let destination: SSHImportDestination = resolve || !aliasesFound ? .resolved : .alias
        config.warnings.forEach(Console.warn)
        let settings = config.settings(for: try config.aliases(selecting: hosts))
        for host in settings {
            host.problems.forEach { Console.warn("\(TerminalText.echo(host.alias)): \($0)") }
        }
        let outcomes = try store.resolved.update { document in document.importHosts(settings, destination: destination) }
        if outcomes.isEmpty {
            Console.say("\(TerminalText.path(path)) names no hosts to import (only wildcard patterns, or nothing).")
        }
        // One write for all: an import of 100,000 hosts is not 100,000
        // system calls.
        if !outcomes.isEmpty { Console.say(outcomes.map(Self.describe).joined(separator: "\n")) }
        let added = outcomes.contains { if case .added = $0 { return true } else { return false } }
        if added && destination == .alias {
            Console.say("Saved by alias: Sluice reads ~/.ssh/config at each connect, so later edits there apply (sluice list shows where each alias leads; --resolve saves addresses instead).")
        } else if added && !resolve {
            Console.say("Saved with the addresses \(TerminalText.path(path)) gives now: Sluice looks aliases up only in ~/.ssh/config.")
        }
    }

    /// Whether two paths name one file (the config the engine reads, by
    /// another path or a link); as text when either cannot be looked at.
    private static func isSameFile(_ a: String, _ b: String) -> Bool {
        var first = stat(), second = stat()
        guard stat(a, &first) == 0, stat(b, &second) == 0 else { return a == b }
        return first.st_dev == second.st_dev && first.st_ino == second.st_ino
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
