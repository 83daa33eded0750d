/// The rules every saved server and forward keeps, however it was made:
/// typed on the command line or the screen, read from the store, or
/// imported from an ssh config. Each way in calls these, so none can let
/// through what another refuses.
extension Server {
    /// The longest identity file path: PATH_MAX.
    public static let maximumIdentityFileLength = 4096

    /// Checks the server's name and how to reach it (not its forwards,
    /// which are checked one by one as they are added).
    public func validate() throws(SluiceError) {
        if let problem = NameRule.problem(with: name) {
            throw .invalidName(kind: "server", name: name, problem: problem)
        }
        try validateConnection()
    }

    /// Checks how to reach the server: its destination, identity file and
    /// jump hosts. On its own for `sluice forward`, whose server is named
    /// after the destination as typed and is never saved.
    public func validateConnection() throws(SluiceError) {
        switch address {
        case .ssh(let destination):
            if let problem = destination.problem() {
                throw .invalidDestination(destination.description, problem)
            }
            if tokenFile != nil || caFile != nil {
                throw .wrongTransport("a token file and a CA file are for agent servers; \(TerminalText.echo(name)) is reached over SSH (use --identity for a key)")
            }
        case .agent, .project:
            if identityFile != nil || jumpHost != nil {
                throw .wrongTransport("an agent server has no identity file or jump host: it is reached over WebSocket (use --token-file for a token)")
            }
            for (role, path) in [("token file", tokenFile), ("CA file", caFile)] {
                if let path, let problem = Self.identityFileProblem(path) {
                    throw .invalidAgent("bad \(role) '\(TerminalText.echo(path))': the path \(problem)")
                }
            }
        }
        if let identityFile, let problem = Self.identityFileProblem(identityFile) {
            throw .invalidIdentityFile(identityFile, problem)
        }
        // Edges turn "none" into no jump host; one left here would be
        // taken for a host named "none".
        if let jumpHost, try JumpChain(parsing: jumpHost) == nil {
            throw .invalidJump(jumpHost, "'none' means no jump host; leave it out instead")
        }
    }

    /// Checks a forward's name and spec; whether the name is taken is the
    /// caller's to check, against the forwards it holds.
    public func validate(_ forward: Forward) throws(SluiceError) {
        if let problem = NameRule.problem(with: forward.name) {
            throw .invalidName(kind: "forward", name: forward.name, problem: problem)
        }
        if let problem = forward.spec.problem(targets: targetRule) {
            throw .invalidSpec(ForwardSpecError(spec: forward.spec.argument, kind: forward.kind, problem: problem, forAgent: address.isAgent))
        }
    }

    /// What a forward's target may be here: a host for SSH, a service
    /// for an agent.
    public var targetRule: ForwardSpec.TargetRule {
        address.isAgent ? .services(project: address.project) : .hosts
    }

    /// The problem with a private key path, worded to follow "the path",
    /// or nil. It is read by Sluice, never handed to a shell, so only what
    /// would hide in a message or on the screen is refused.
    public static func identityFileProblem(_ path: String) -> String? {
        if path.isEmpty { return "is empty" }
        if path.utf8.count > maximumIdentityFileLength { return "is longer than \(maximumIdentityFileLength) bytes" }
        if TerminalText.hasUnsafeCharacters(path), let bad = path.unicodeScalars.first(where: { TerminalText.hasUnsafeCharacters(String($0)) }) {
            return "contains \(HostRule.describe(bad)), an invisible or control character"
        }
        return nil
    }
}
