import ArgumentParser
import SluiceCore

struct EnableCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enable",
        abstract: "Switch a saved forward on, so 'sluice up' and the screen bring it up."
    )

    @OptionGroup var store: StoreOptions
    @Argument(help: ArgumentHelp("The forward, as SERVER/FORWARD.", valueName: "server/forward"), completion: StoreCompletion.forwards)
    var forward: String

    func run() throws {
        try ForwardSwitch.set(true, forward, in: store.resolved)
    }
}
