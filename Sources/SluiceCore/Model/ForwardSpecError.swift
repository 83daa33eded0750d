/// Why a forward spec was rejected, in one line that names the part at fault
/// and what was expected there.
public struct ForwardSpecError: Error, Equatable, Sendable, CustomStringConvertible {
    public var spec: String
    public var kind: ForwardKind?
    public var problem: String

    public init(spec: String, kind: ForwardKind?, problem: String) {
        self.spec = spec
        self.kind = kind
        self.problem = problem
    }

    public var description: String {
        let spec = TerminalText.echo(spec)
        let shown = kind.map { "\($0.flag) \(spec)" } ?? spec
        let expected = kind.map { "; expected \($0.grammar)" } ?? ""
        return "bad forward '\(shown)': \(problem)\(expected)"
    }
}
