import ArgumentParser
import SluiceCore

struct UpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Bring the saved, switched-on forwards up, without the screen, until Ctrl+C.",
        discussion: """
            Prints a line per forward when it is up, and one for each change of state. Dead links are \
            noticed by keepalives and repaired with growing pauses (0.5 s up to 30 s). Ctrl+C closes the \
            listeners and lets open connections finish; a second Ctrl+C closes them now.
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var link: LinkOptions
    @OptionGroup var drain: DrainOptions
    @Argument(help: ArgumentHelp("Only these servers (default: all).", valueName: "server"))
    var servers: [String] = []

    func run() throws {
        let document = try store.resolved.load()
        let chosen = try servers.isEmpty ? document.servers : servers.map { try document.server(named: $0) }
        let running = chosen.filter { $0.forwards.contains(where: \.enabled) }
        guard !running.isEmpty else {
            throw ExitStatus.Failure(
                message: "nothing to bring up: no saved forward is switched on"
                    + (chosen.isEmpty ? " (no servers saved; see sluice server add)" : " (switch one on with: sluice enable SERVER/FORWARD)"),
                code: ExitStatus.failure)
        }
        let status = HeadlessSession(servers: running, tuning: link.tuning, drainSeconds: drain.drain).run()
        if status != 0 { throw ExitCode(status) }
    }
}
