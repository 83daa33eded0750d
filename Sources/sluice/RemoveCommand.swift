import ArgumentParser
import SluiceCore

struct RemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove a saved forward."
    )

    @OptionGroup var store: StoreOptions
    @Argument(help: ArgumentHelp("The forward, as SERVER/FORWARD (see sluice list).", valueName: "server/forward"),
              completion: StoreCompletion.forwards)
    var forward: String

    func run() throws {
        let reference = try ForwardReference(parsing: forward)
        let removed = try store.resolved.update { document in try document.removeForward(reference) }
        Console.say("Removed \(reference): \(removed.spec).")
    }
}
