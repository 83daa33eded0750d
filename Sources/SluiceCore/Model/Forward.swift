/// A saved forward: what it does, what the user calls it, and whether it
/// should be up.
public struct Forward: Sendable, Hashable {
    public var name: String
    public var spec: ForwardSpec
    public var enabled: Bool

    public init(name: String, spec: ForwardSpec, enabled: Bool = true) {
        self.name = name
        self.spec = spec
        self.enabled = enabled
    }

    public var kind: ForwardKind { spec.kind }
}
