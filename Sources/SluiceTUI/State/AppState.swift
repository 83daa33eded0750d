import Foundation
import SluiceCore

/// Everything the screen shows, as a value: the saved servers, the engine's
/// latest status, where the cursor is and what is open. `reduce` changes it;
/// views draw it.
public struct AppState: Sendable {
    public var document: StoreDocument
    public var statuses: [String: ServerStatus] = [:]
    public var focus: Pane = .servers
    /// Selection by name, so it survives saves and status updates.
    public var selectedServer: String?
    public var selectedForward: String?
    public var filter = TextField()
    public var isEditingFilter = false
    public var overlay: Overlay?
    /// Questions from the engine; the first is on screen above everything else.
    public var prompts: [PromptDialog] = []
    public var events: [StatusEvent] = []
    public var meters: [ForwardReference: TrafficMeter] = [:]
    public var now: Date
    /// The screen runs inside tmux, which passes clipboard writes on only
    /// when told to: the copy message says how.
    public var isInsideTmux = false
    /// The terminal's size, for reading where a click landed.
    public var screenWidth = 80
    public var screenHeight = 24
    /// Set once quitting has begun: the screen says forwards are closing.
    public var isQuitting = false
    /// Quitting stops the forwards (the engine), rather than leaving them
    /// running in the background.
    public var stopsForwardsOnQuit = false
    /// Events hidden below the log's last line, when scrolled back.
    public var logScroll = 0
    /// How far the server list and the forward table are scrolled.
    public var serverScroll = ScrollPosition()
    public var forwardScroll = ScrollPosition()
    /// Help lines scrolled off the top, on a short screen.
    public var helpScroll = 0
    /// The log shows every server's events, not only the selected one's.
    public var logShowsAll = false
    var narrator: StatusNarrator

    static let eventLimit = 500

    public init(document: StoreDocument, now: Date = Date()) {
        self.document = document
        self.now = now
        narrator = StatusNarrator(servers: document.servers)
        selectedServer = document.servers.first?.name
        selectedForward = document.servers.first?.forwards.first?.name
    }

    public var servers: [Server] { document.servers }

    /// The servers the filter lets through: by name or host, or because one
    /// of their forwards matches.
    public var visibleServers: [Server] {
        servers.filter { server in matches(server) || server.forwards.contains { matches($0) } }
    }

    public var currentServer: Server? {
        let visible = visibleServers
        return visible.first { $0.name == selectedServer } ?? visible.first
    }

    /// The current server's forwards the filter lets through.
    public var visibleForwards: [Forward] {
        guard let server = currentServer else { return [] }
        if matches(server) { return server.forwards }
        return server.forwards.filter { matches($0) }
    }

    public var currentForward: Forward? {
        let visible = visibleForwards
        return visible.first { $0.name == selectedForward } ?? visible.first
    }

    /// What the log lists: the selected server's events and those about no
    /// server in particular, or with `logShowsAll` every event.
    public var logEvents: [StatusEvent] {
        guard !logShowsAll, let server = currentServer?.name else { return events }
        return events.filter { $0.server == nil || $0.server == server }
    }

    public func status(of server: String) -> ServerStatus? { statuses[server] }

    public func status(of forward: ForwardReference) -> ForwardStatus? {
        statuses[forward.server]?.forward(named: forward.forward)
    }

    /// Forwards switched on, over all servers: what keeps running in the
    /// background after the screen closes.
    public var onCount: Int {
        servers.reduce(0) { $0 + $1.forwards.filter(\.enabled).count }
    }

    /// Forwards that are listening right now, over all servers.
    public var upCount: Int {
        statuses.values.reduce(0) { $0 + $1.forwards.filter { $0.state == .up }.count }
    }

    /// Bytes per second both ways together.
    public func rate(of forward: ForwardReference) -> Double {
        meters[forward]?.bytesPerSecond ?? 0
    }

    /// True while something on screen changes with time alone (countdowns,
    /// rates), so the run loop knows to send ticks.
    public var needsTicks: Bool {
        if case .connections = overlay { return true }
        return statuses.values.contains { status in
            if case .reconnecting = status.link { return true }
            return false
        } || meters.values.contains(where: \.isMoving)
    }

    private func matches(_ server: Server) -> Bool {
        let needle = filter.trimmed.lowercased()
        return needle.isEmpty || server.name.lowercased().contains(needle) || server.address.description.lowercased().contains(needle)
    }

    private func matches(_ forward: Forward) -> Bool {
        let needle = filter.trimmed.lowercased()
        return needle.isEmpty || forward.name.lowercased().contains(needle) || forward.spec.argument.lowercased().contains(needle)
    }
}
