import ArgumentParser
import SluiceCore

struct ServerRemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove a saved server and its forwards."
    )

    @OptionGroup var store: StoreOptions
    @Argument(help: "The server's name.", completion: StoreCompletion.servers) var name: String

    func run() throws {
        let removed = try store.resolved.update { document in try document.removeServer(named: name) }
        let count = removed.forwards.count
        Console.say("Removed server \(name)" + (count == 0 ? "." : " and its \(count) forward\(count == 1 ? "" : "s")."))
    }
}
