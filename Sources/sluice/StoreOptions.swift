import ArgumentParser
import SluiceCore

struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The store file to use.", valueName: "path"), completion: .file())
    var store: String?

    var resolved: Store { Store(path: Store.defaultPath(explicit: store)) }
}
