/// A request the gate let through: what to connect to, and how the stream
/// ends.
public struct ForwardPlan: Equatable, Sendable {
    public var route: ForwardRoute
    public var location: ServiceLocation
    /// The client offered `sluice.v1` and the answer names it: an empty
    /// binary frame ends one direction only.
    public var halfClose: Bool

    public init(route: ForwardRoute, location: ServiceLocation, halfClose: Bool) {
        self.route = route
        self.location = location
        self.halfClose = halfClose
    }
}
