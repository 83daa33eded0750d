import ArgumentParser
import SluiceCore

struct DisableCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disable",
        abstract: "Switch a saved forward off; it stays saved."
    )

    @OptionGroup var store: StoreOptions
    @Argument(help: ArgumentHelp("The forward, as SERVER/FORWARD.", valueName: "server/forward"), completion: StoreCompletion.forwards)
    var forward: String

    func run() throws {
        try ForwardSwitch.set(false, forward, in: store.resolved)
    }
}
