import Foundation
import SluiceCore
import SluiceTestSupport

/// What the screen's tmux tests share: the harness' real sshd and a web
/// page behind it, the real binary opened in tmux for a store, and a store
/// with one server and one switched-on Local forward.
struct ScreenHarness {
    let sshd: SSHServer
    let web: HTTPTestServer

    init() throws {
        sshd = try SSHServer()
        web = try HTTPTestServer()
    }

    func open(home: ClientHome, store: String) throws -> TmuxSession {
        let environment = home.environment.merging(["SLUICE_STORE": store, "TERM": "xterm-256color"]) { $1 }
        return try TmuxSession(SluiceBinary.path, [], environment: environment)
    }

    /// A store in `home` with server "lab" at `destination` (the test sshd
    /// unless told otherwise) and one switched-on Local forward, named
    /// L<port>, from a free port to `targetPort` (the web page unless told).
    func saveLabForward(in home: ClientHome, destination: String? = nil, targetPort: Int? = nil) throws -> (store: String, port: Int) {
        let store = home.directory.file("store.json")
        let port = try LoopbackPort.free()
        try Store(path: store).update { document in
            let destination = try Destination(parsing: destination ?? "\(CurrentUser.name)@127.0.0.1:\(sshd.port)")
            try document.addServer(Server(name: "lab", destination: destination, identityFile: home.identityPath))
            try document.addForward(try ForwardSpec(parsing: "\(port):127.0.0.1:\(targetPort ?? web.port)", kind: .local), to: "lab")
        }
        return (store, port)
    }
}
