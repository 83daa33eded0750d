import SluiceCore

/// A request the gate let through: what to connect to, and how the stream
/// ends.
public struct ForwardPlan: Equatable, Sendable {
    public var route: ForwardRoute
    public var location: ServiceLocation
    /// The client offered `sluice.v1` (or `sluice.v2`) and the answer names
    /// it: an empty binary frame ends one direction only.
    public var halfClose: Bool
    /// The client offered `sluice.v2` and the answer names it: once both
    /// directions have ended the WebSocket stays open, and a `next` text
    /// frame connects it to the service again.
    public var reuse: Bool

    public init(route: ForwardRoute, location: ServiceLocation, halfClose: Bool, reuse: Bool = false) {
        self.route = route
        self.location = location
        self.halfClose = halfClose || reuse
        self.reuse = reuse
    }

    /// The subprotocol the upgrade's answer names, if any.
    public var subprotocol: String? {
        reuse ? AgentSubprotocol.reuse : halfClose ? AgentSubprotocol.halfClose : nil
    }
}
