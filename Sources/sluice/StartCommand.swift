import ArgumentParser
import SluiceCore
import SluiceService

struct StartCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Start the engine in the background: forwards stay up with no terminal open.",
        discussion: """
            The engine follows the store as sluice up does; its lines go to its log \
            ($XDG_STATE_HOME/sluice/engine.log, else ~/.local/state/sluice/engine.log). sluice status shows \
            it, sluice stop ends it, and the screen attaches to it. Starting when one already runs does nothing.
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var link: LinkOptions

    func run() throws {
        let store = store.resolved
        // Errors in the store are told here, not only in the log.
        _ = try store.load()
        let paths = ControlPaths(store: store.path)
        try paths.prepareFolder()
        let (client, started) = try BackgroundEngine.start(paths: paths, link: link, client: "start", answersPrompts: false)
        if started {
            Console.say("Engine started (pid \(client.engine.pid)); its log: \(TerminalText.path(paths.log))")
        } else {
            Console.say("An engine already runs for this store (pid \(client.engine.pid)).")
        }
    }
}
