import ArgumentParser
import SluiceCore

struct UpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Run the engine in the foreground: bring the switched-on forwards up and follow the store until Ctrl+C.",
        discussion: """
            Prints a line per forward when it is up, and one for each change of state. Changes to the store \
            (sluice enable, disable, add, remove, or the screen) take effect at once. Unreachable servers \
            are retried with growing pauses (0.5 s up to 30 s) for as long as it runs; questions (an unknown \
            host key, a passphrase) are asked on this terminal, or wait for the screen (sluice) when there is \
            none. Ctrl+C closes the listeners and lets open connections finish; a second Ctrl+C closes them \
            now. sluice status, sluice stop and the screen attach to it through its control socket.
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var link: LinkOptions
    @OptionGroup var drain: DrainOptions
    @Flag(name: .customLong("exit-on-failure"), help: "Exit 1 when nothing could come up, and answer no question that needs a person (for scripts).")
    var exitOnFailure = false
    /// Set by `sluice start` and the screen for the engine they start.
    @Flag(name: .customLong("detached"), help: .hidden)
    var detached = false
    @Argument(help: ArgumentHelp("Only these servers (default: all).", valueName: "server"), completion: StoreCompletion.servers)
    var servers: [String] = []

    func run() throws {
        if detached { Console.timestamped = true }
        let host = try EngineHost(store: store.resolved, options: EngineHost.Options(
            servers: servers, tuning: link.tuning, drainSeconds: drain.drain, exitOnFailure: exitOnFailure, detached: detached))
        let status = host.run()
        if status != 0 { throw ExitCode(status) }
    }
}
