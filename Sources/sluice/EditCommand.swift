import ArgumentParser
import Foundation
import SluiceCore

struct EditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit",
        abstract: "Change a saved forward: what it forwards or its name.",
        discussion: """
            --spec takes the new spec as add does (see sluice add --help), in the forward's own kind: \
            'sluice edit db/L5432 --spec 15432:localhost:5432'. To change the kind as well, start it with \
            the flag: --spec '-D 1080'. The forward keeps its place and its switch (on or off), and its \
            name unless you pass --rename.
            """
    )

    @OptionGroup var store: StoreOptions
    @Argument(help: ArgumentHelp("The forward, as SERVER/FORWARD (see sluice list).", valueName: "server/forward"),
              completion: StoreCompletion.forwards)
    var forward: String
    // Unconditional, so that '--spec -D1080' is a value, not an option.
    @Option(name: .long, parsing: .unconditional,
            help: ArgumentHelp("What it forwards now, e.g. 15432:localhost:5432, or '-D 1080' to change the kind too.", valueName: "spec"))
    var spec: String?
    @Option(name: .long, help: ArgumentHelp("A new name for it.", valueName: "name"))
    var rename: String?

    func run() throws {
        let reference = try ForwardReference(parsing: forward)
        // Here, not in validate, as in AddCommand.
        guard spec != nil || rename != nil else {
            throw ValidationError("say what to change with --spec or --rename, e.g. sluice edit \(TerminalText.echo(forward)) --spec 15432:localhost:5432")
        }
        let (before, after, conflicts): (Forward, Forward, [ForwardReference])
        do {
            (before, after, conflicts) = try store.resolved.update { document in
                let server = try document.server(named: reference.server)
                guard let before = server.forward(named: reference.forward) else {
                    throw SluiceError.unknownForward(server: server.name, forward: reference.forward, known: server.forwards.map(\.name))
                }
                var after = before
                if let spec { after.spec = try Self.parse(spec, keeping: before.kind, targets: server.targetRule) }
                if let rename { after.name = rename }
                if after != before { try document.editForward(reference, to: after) }
                let edited = ForwardReference(server: server.name, forward: after.name)
                return (before, after, document.listenConflicts(with: after.spec, on: server.name, excluding: edited))
            }
        } catch SluiceError.duplicateForward(let server, let name) {
            throw ExitStatus.Failure(message: "server '\(server)' already has a forward named '\(TerminalText.echo(name))'; "
                + "pick another name for --rename (sluice list shows the names)", code: ExitStatus.usage)
        }
        let edited = ForwardReference(server: reference.server, forward: after.name)
        guard after != before else {
            Console.say("\(edited) already is \(after.spec); nothing changed.")
            return
        }
        let renamed = after.name != before.name ? " (was \(reference))" : ""
        Console.say("Saved \(edited)\(renamed): \(after.spec) (\(after.spec.route))\(after.enabled ? "" : ", switched off").")
        if after.spec != before.spec { Console.warnAboutSaved(after.spec, as: edited, conflicts: conflicts) }
    }

    /// `text` as add takes it for this forward's kind, or, after a leading
    /// -L, -R or -D, for that kind.
    static func parse(_ text: String, keeping kind: ForwardKind, targets: ForwardSpec.TargetRule) throws(ForwardSpecError) -> ForwardSpec {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        for other in ForwardKind.allCases where trimmed.hasPrefix(other.flag) {
            return try ForwardSpec(parsing: String(trimmed.dropFirst(other.flag.count)).trimmingCharacters(in: .whitespaces), kind: other, targets: targets)
        }
        // No spec starts with '-' (IPv6 addresses go in brackets), so this
        // is a flag that is not one of the three.
        if trimmed.hasPrefix("-") {
            throw ForwardSpecError(spec: trimmed, kind: nil, problem: "'\(TerminalText.echo(String(trimmed.prefix(2))))' is not -L, -R or -D; "
                + "give the spec in the forward's own kind, or start it with -L, -R or -D to change the kind")
        }
        return try ForwardSpec(parsing: trimmed, kind: kind, targets: targets)
    }
}
