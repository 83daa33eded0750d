import ArgumentParser
import SluiceCore

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Show the saved servers and forwards.",
        discussion: """
            A server saved as an ssh config alias is shown with what ~/.ssh/config makes of it now, \
            e.g. 'db  db (ssh config: deploy@10.0.0.5:2222)': the engine looks the alias up at each connect.
            """
    )

    @OptionGroup var store: StoreOptions
    @Flag(name: .long, help: "Print the store's JSON (format version 1), for scripts: as saved, aliases unresolved.")
    var json = false

    func run() throws {
        let store = store.resolved
        let document = try store.load()
        if json {
            Console.output(document.jsonText, terminator: "")
            return
        }
        if document.servers.isEmpty {
            Console.say("""
                No servers saved in \(store.path).
                Add one with: sluice server add NAME [user@]host[:port]
                or take them from ~/.ssh/config: sluice import-ssh-config
                """)
            return
        }
        var absent: [String: Bool] = [:]
        let text = ListFormatter.text(for: document, viaSSHConfig: SSHConfigResolution.describe(document.servers)) { spec in
            // One bind test per address, however many forwards share it.
            let key = "\(spec.kind.flag) \(spec.listen.bindAddress)"
            if let known = absent[key] { return known }
            let lacks = LocalAddress.isAbsent(listening: spec)
            absent[key] = lacks
            return lacks
        }
        Console.output(text)
    }
}
