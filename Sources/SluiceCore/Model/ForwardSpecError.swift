/// Why a forward spec was rejected, in one line that names the part at fault
/// and what was expected there.
public struct ForwardSpecError: Error, Equatable, Sendable, CustomStringConvertible {
    public var spec: String
    public var kind: ForwardKind?
    public var problem: String
    /// For an agent server, whose messages show its own grammar (the
    /// problem already says what to write).
    public var forAgent: Bool

    public init(spec: String, kind: ForwardKind?, problem: String, forAgent: Bool = false) {
        self.spec = spec
        self.kind = kind
        self.problem = problem
        self.forAgent = forAgent
    }

    public var description: String {
        let spec = TerminalText.echo(spec)
        let shown = kind.map { "\($0.flag) \(spec)" } ?? spec
        let expected = forAgent ? "" : kind.map { "; expected \($0.grammar)" } ?? ""
        return "bad forward '\(shown)': \(problem)\(expected)"
    }
}
