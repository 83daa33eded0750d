import Foundation
import SluiceCore
import SluiceTUI

/// States to draw: fixed times, fixed names, every kind of forward and link.
enum ScreenFixtures {
    static let now = Date(timeIntervalSince1970: 1_795_356_189) // 2026-11-22 14:03:09 UTC
    static let utc = TimeZone(identifier: "UTC")!
    /// When the engine's questions arrive, and a time for keys well past
    /// their guard.
    static let questionTime = ContinuousClock.now
    static let keyTime = questionTime + .seconds(1)

    static func spec(_ text: String, _ kind: ForwardKind) -> ForwardSpec {
        try! ForwardSpec(parsing: text, kind: kind)
    }

    static var document: StoreDocument {
        StoreDocument(servers: [
            Server(name: "db", destination: Destination(user: "deploy", host: "db.example.com", port: nil),
                   identityFile: "~/.ssh/id_ed25519", forwards: [
                Forward(name: "postgres", spec: spec("5432:localhost:5432", .local)),
                Forward(name: "socks", spec: spec("1080", .dynamic)),
                Forward(name: "webhook", spec: spec("0:127.0.0.1:3000", .reverse)),
                Forward(name: "redis", spec: spec("6379:127.0.0.1:6379", .local)),
                Forward(name: "admin", spec: spec("0.0.0.0:8443:10.0.0.5:443", .local)),
                Forward(name: "metrics", spec: spec("9090:127.0.0.1:9090", .local), enabled: false),
            ]),
            Server(name: "staging", destination: Destination(user: "ci", host: "staging.internal", port: 2222),
                   jumpHost: "bastion.example.com", forwards: [
                Forward(name: "web", spec: spec("8080:127.0.0.1:80", .local)),
            ]),
            Server(name: "lab", destination: Destination(user: nil, host: "lab", port: nil), forwards: [
                Forward(name: "L3000", spec: spec("3000:127.0.0.1:3000", .local)),
            ]),
            Server(name: "archive", destination: Destination(user: "me", host: "archive.example.org", port: nil), forwards: [
                Forward(name: "L5000", spec: spec("5000:127.0.0.1:5000", .local), enabled: false),
            ]),
        ])
    }

    static func forward(_ name: String, _ state: ForwardStatus.State, listening: String? = nil, open: Int = 0, total: Int = 0,
                        out: UInt64 = 0, in bytesIn: UInt64 = 0, error: String? = nil) -> ForwardStatus {
        var status = ForwardStatus(name: name, state: state, since: now.addingTimeInterval(-3600))
        status.listening = listening
        status.openConnections = open
        status.totalConnections = total
        status.bytesOut = out
        status.bytesIn = bytesIn
        status.lastError = error
        return status
    }

    static var statuses: [ServerStatus] {
        var staging = ServerStatus(name: "staging", link: .reconnecting(attempt: 3, next: now.addingTimeInterval(4)), forwards: [
            forward("web", .starting),
        ])
        staging.lastError = "the connection to staging.internal:2222 was lost (no answer to 3 keepalives)"
        var lab = ServerStatus(name: "lab", link: .failed, forwards: [forward("L3000", .failed, error: "the host key changed")])
        lab.lastError = "the host key of lab has CHANGED since it was saved in ~/.ssh/known_hosts line 3; if the server was reinstalled, remove the old key with: ssh-keygen -R lab"
        return [
            ServerStatus(name: "db", link: .connected, forwards: [
                forward("postgres", .up, listening: "127.0.0.1:5432", open: 2, total: 17, out: 1_234_567, in: 48_900_000),
                forward("socks", .up, listening: "127.0.0.1:1080", total: 3, out: 5_400, in: 912_000),
                forward("webhook", .up, listening: "127.0.0.1:41873", total: 1, out: 700, in: 2_048),
                forward("redis", .failed, error: "port 6379 is already in use on this machine (by redis-server, pid 812)"),
                forward("admin", .starting),
                forward("metrics", .off),
            ]),
            staging,
            lab,
            ServerStatus(name: "archive", link: .idle, forwards: [forward("L5000", .off)]),
        ]
    }

    /// The full example: four servers in every link state, a forward in each state.
    static var busy: AppState {
        var state = AppState(document: document, now: now.addingTimeInterval(-2))
        _ = state.reduce(.status(statuses, at: now.addingTimeInterval(-2)))
        var later = statuses
        later[0].forwards[0].bytesIn += 2_400_000
        _ = state.reduce(.status(later, at: now))
        state.focus = .forwards
        return state
    }

    /// Types `text` as keys, read well past any question's guard.
    static func type(_ text: String, into state: inout AppState) {
        for character in text { _ = state.reduce(.key(.character(character), at: keyTime)) }
    }

    static func render(_ state: AppState, width: Int = 80, height: Int = 24, symbols: Symbols = .unicode) -> ScreenBuffer {
        ScreenView(state: state, symbols: symbols, timeZone: utc).render(width: width, height: height)
    }
}
