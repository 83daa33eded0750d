import ArgumentParser
import SluiceCore

struct ServerEditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit",
        abstract: "Change a saved server: where it is, its key, its jump host or its name.",
        discussion: """
            Only what you pass changes. '--identity none' and '--jump none' take the key file or the jump host \
            away, as 'IdentityFile none' and 'ProxyJump none' do in an ssh config. A renamed server keeps its \
            forwards, each switched on or off as it was; they are then SERVER/FORWARD under the new name.
            """
    )

    @OptionGroup var store: StoreOptions
    @Argument(help: "The server's name.", completion: StoreCompletion.servers) var name: String
    @Option(name: .long, help: ArgumentHelp("Where it is now: [user@]host[:port], an ssh config alias, ws://HOST:PORT, or 'PROJECT via http://CONTROL-PLANE'.", valueName: "destination"))
    var destination: String?
    @Option(name: .long, help: ArgumentHelp("A private key file to log in with; none for no key file of its own.", valueName: "file"),
            completion: .file())
    var identity: String?
    @Option(name: .long, help: ArgumentHelp("A server to jump through, as ssh -J takes it; none for no jump host.", valueName: "host"))
    var jump: String?
    @Option(name: .customLong("token-file"), help: ArgumentHelp("Agents: a file holding the bearer token; none for no token.", valueName: "file"),
            completion: .file())
    var tokenFile: String?
    @Option(name: .customLong("ca-file"), help: ArgumentHelp("Agents: certificates (PEM) to trust for wss://; none for the system's only.", valueName: "file"),
            completion: .file())
    var caFile: String?
    @Option(name: .long, help: ArgumentHelp("A new name for it.", valueName: "name"))
    var rename: String?

    /// The word that takes a key file or a jump host away, as in OpenSSH;
    /// any case, as JumpChain takes it for --jump.
    static let none = "none"

    func run() throws {
        // Here, not in validate: an unknown option is reported only once
        // validate has passed, and this would hide it (see AddCommand).
        guard destination != nil || identity != nil || jump != nil || rename != nil || tokenFile != nil || caFile != nil else {
            throw ValidationError("say what to change with --destination, --identity, --jump, --token-file, --ca-file or --rename, "
                + "e.g. sluice server edit \(TerminalText.echo(name)) --destination deploy@db2.example.com")
        }
        if identity?.isEmpty == true {
            throw ValidationError("--identity '' names no file; to log in without a key file of its own (the agent and ~/.ssh/id_* still work), pass --identity none")
        }
        // Checked before the store is read, by the parsers server add uses;
        // the rest (name, key path) by the store's own rules as it saves.
        let newAddress = try destination.map { text throws(SluiceError) in try ServerAddress(parsing: text) }
        let newJump = try jump.map { text throws(SluiceError) in try JumpChain(parsing: text)?.description }
        let (before, after) = try store.resolved.update { document in
            let before = try document.server(named: name)
            var after = before
            if let newAddress {
                // Moving between SSH and an agent leaves the old way's settings behind.
                if newAddress.isAgent != after.address.isAgent {
                    (after.identityFile, after.jumpHost, after.tokenFile, after.caFile) = (nil, nil, nil, nil)
                }
                after.address = newAddress
            }
            if let tokenFile { after.tokenFile = tokenFile.lowercased() == Self.none ? nil : tokenFile }
            if let caFile { after.caFile = caFile.lowercased() == Self.none ? nil : caFile }
            if let identity { after.identityFile = identity.lowercased() == Self.none ? nil : identity }
            if let newJump { after.jumpHost = newJump }
            if let rename { after.name = rename }
            if after != before { try document.editServer(named: name, to: after) }
            return (before, after)
        }
        guard after != before else {
            Console.say("Server \(name) already has those settings; nothing changed.")
            return
        }
        var renamed = ""
        if after.name != before.name {
            let count = after.forwards.count
            renamed = count == 0 ? " (was \(before.name))"
                : " (was \(before.name); its \(count) forward\(count == 1 ? "" : "s") kept, switched on or off as before)"
        }
        Console.say("Saved server \(after.name)\(renamed): \(ListFormatter.summary(of: after)).")
    }
}
