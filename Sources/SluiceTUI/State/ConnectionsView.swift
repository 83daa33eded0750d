import SluiceCore

/// The open connections of one forward, as the engine last listed them
/// (asked again every second while the view is open), and which one is
/// selected: by number, so the selection stays on its connection as others
/// come and go.
public struct ConnectionsView: Sendable, Equatable {
    public var forward: ForwardReference
    public var connections: [ConnectionStatus] = []
    public var selected: UInt64?
    /// False until the engine has answered once.
    public var isLoaded = false
    /// Why the engine could not list them, in its words.
    public var problem: String?
    /// How far the list is scrolled.
    public var scroll = ScrollPosition()
    /// Connections asked to close that are still listed.
    public var closing: Set<UInt64> = []

    public init(forward: ForwardReference) {
        self.forward = forward
    }

    public var current: ConnectionStatus? {
        connections.first { $0.id == selected } ?? connections.first
    }

    /// Takes a new list, keeping the selection on its connection, or on the
    /// row where it was when that connection is gone.
    mutating func update(_ list: [ConnectionStatus]) {
        let index = connections.firstIndex { $0.id == selected } ?? 0
        connections = list
        isLoaded = true
        problem = nil
        closing.formIntersection(list.map(\.id))
        if !list.contains(where: { $0.id == selected }) {
            selected = list.isEmpty ? nil : list[min(index, list.count - 1)].id
        }
    }

    mutating func move(by step: Int) {
        guard !connections.isEmpty else { return }
        let index = connections.firstIndex { $0.id == current?.id } ?? 0
        selected = connections[min(connections.count - 1, max(0, index + step))].id
    }
}
