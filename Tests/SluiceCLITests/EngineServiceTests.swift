import Foundation
import SluiceControl
import SluiceCore
import SluiceService
import SluiceTestSupport
import Testing

/// The long-lived engine (`sluice up`, `sluice start`) with its control
/// socket and store following, as processes against a real sshd, with
/// curl as the client.
@Suite struct EngineServiceTests {
    let sshd: SSHServer
    let web: HTTPTestServer
    let home: ClientHome
    let logs: TemporaryDirectory

    init() throws {
        sshd = try SSHServer()
        web = try HTTPTestServer()
        home = try ClientHome(trusting: sshd)
        logs = try TemporaryDirectory()
    }

    var store: String { home.directory.file("store.json") }
    var environment: [String: String] { home.environment.merging(["SLUICE_STORE": store]) { $1 } }
    var engine: TestEngine { TestEngine(store: store, environment: environment) }
    var stderr: String { (try? logs.read("stderr")) ?? "" }

    /// Server "lab" (the test sshd) with a switched-on Local forward to
    /// the web page from each port.
    func saveLab(ports: [Int]) throws {
        try Store(path: store).update { document in
            try document.addServer(Server(name: "lab", destination: try Destination(parsing: "\(CurrentUser.name)@127.0.0.1:\(sshd.port)"),
                                          identityFile: home.identityPath))
            for port in ports {
                try document.addForward(try ForwardSpec(parsing: "\(port):127.0.0.1:\(web.port)", kind: .local), to: "lab")
            }
        }
    }

    func up(_ arguments: [String] = []) throws -> ChildProcess {
        try ChildProcess(SluiceBinary.path, ["up"] + arguments, environment: environment, stdout: logs.file("stdout"), stderr: logs.file("stderr"))
    }

    func sluice(_ arguments: [String], timeout: TimeInterval = 30) throws -> Command.Result {
        try SluiceBinary.run(arguments, environment: environment, timeout: timeout)
    }

    func fetch(_ port: Int) throws -> Command.Result {
        try Command("/usr/bin/curl", ["-sS", "--max-time", "10", "http://127.0.0.1:\(port)/page.txt"]).run()
    }

    func snapshot() throws -> EngineSnapshot {
        let result = try sluice(["status", "--json"])
        guard case .snapshot(let snapshot) = try ControlProtocol.decode(EngineMessage.self, from: Array(result.stdout.utf8)) else {
            throw TestSupportError("no snapshot: \(result.stdout) \(result.stderr)")
        }
        return snapshot
    }

    func waitUntil(timeout: TimeInterval = 20, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return true }
            usleep(20_000)
        }
        return try condition()
    }

    @Test func commandsFromAnyShellSteerTheRunningEngine() throws {
        let (first, second) = (try LoopbackPort.free(), try LoopbackPort.free())
        try saveLab(ports: [first])
        let running = try up()
        defer { running.signal(SIGKILL); _ = running.wait() }
        #expect(logs.waitUntil("stderr", contains: "Forwarding 127.0.0.1:\(first)"), "\(stderr)")
        let fetched = try fetch(first)
        #expect(fetched.stdout == web.page, "\(fetched.stderr)")

        // The live counters, as a script reads them.
        #expect(try waitUntil { try snapshot().servers.first?.forwards.first?.totalConnections == 1 })
        let live = try snapshot()
        let forward = try #require(live.servers.first?.forwards.first)
        #expect(live.servers.map(\.name) == ["lab"] && live.servers[0].link == .connected)
        #expect(forward.state == .up && forward.listening == "127.0.0.1:\(first)")
        #expect(forward.bytesIn >= UInt64(web.page.utf8.count), "\(forward)")
        let table = try sluice(["status"])
        #expect(table.status == 0 && table.stdout.contains("lab  connected") && table.stdout.contains("listening"), "\(table.stdout)")

        // A watcher sees each change as a line.
        let watch = try ChildProcess(SluiceBinary.path, ["status", "--watch"], environment: environment, stdout: logs.file("watch"))
        defer { watch.signal(SIGKILL); _ = watch.wait() }
        #expect(logs.waitUntil("watch", contains: "\"type\":\"snapshot\""))

        // Off from another shell: the port is let go; on again: back.
        #expect(try sluice(["disable", "lab/L\(first)"]).status == 0)
        #expect(waitUntil(timeout: 5) { LoopbackPort.isFree(first) })
        #expect(logs.waitUntil("watch", contains: "\"state\":\"off\""), "\((try? logs.read("watch")) ?? "")")
        #expect(try sluice(["enable", "lab/L\(first)"]).status == 0)
        #expect(waitUntil(timeout: 5) { (try? fetch(first).stdout) == web.page })

        // A new forward saved by a command comes up on the same session.
        let sessions = sshd.connectionProcesses.count
        #expect(try sluice(["add", "lab", "-L", "\(second):127.0.0.1:\(web.port)"]).status == 0)
        #expect(waitUntil(timeout: 5) { (try? fetch(second).stdout) == web.page }, "\(stderr)")
        #expect(sshd.connectionProcesses.count == sessions, "no second SSH session")

        // A broken store is reported and what runs keeps running.
        let good = try String(contentsOfFile: store, encoding: .utf8)
        try home.directory.write("store.json", "{ broken")
        #expect(try waitUntil(timeout: 5) { try snapshot().storeProblem != nil })
        #expect(try fetch(second).stdout == web.page)
        try home.directory.write("store.json", good)
        #expect(try waitUntil(timeout: 5) { try snapshot().storeProblem == nil })

        // retry: a server the engine runs, and one it does not.
        let retried = try sluice(["retry", "lab"])
        #expect(retried.status == 0 && retried.stderr.contains("Connecting to lab again."), "\(retried.stderr)")
        let unknown = try sluice(["retry", "nowhere"])
        #expect(unknown.status == 64 && unknown.stderr.contains("no server named nowhere runs in this engine"), "\(unknown.stderr)")

        let stopped = try sluice(["stop", "--drain", "1"])
        #expect(stopped.status == 0, "\(stopped.stderr)")
        #expect(stopped.stderr.contains("Stopped."))
        #expect(running.wait(timeout: 10) == 0, "\(stderr)")
        #expect(LoopbackPort.isFree(first) && LoopbackPort.isFree(second))
        #expect(watch.wait(timeout: 10) == 0, "the watch ends with the engine")
        #expect(try logs.read("watch").contains("\"type\":\"stopping\""))
        let after = try sluice(["status"])
        #expect(after.status == 69 && after.stderr.contains("no engine runs for"), "\(after.stderr)")
    }

    /// A forward's connections through the real control socket: asked on
    /// a watching connection (as the screen does) by id, asked and closed
    /// by `sluice connections`, and by a plain script that hangs up its
    /// sending side at once.
    @Test func aForwardsConnectionsAreListedAndClosedThroughTheControlSocket() throws {
        let port = try LoopbackPort.free()
        try saveLab(ports: [port])
        let running = try up()
        defer { running.signal(SIGKILL); _ = running.wait() }
        #expect(logs.waitUntil("stderr", contains: "Forwarding 127.0.0.1:\(port)"), "\(stderr)")
        let forward = "L\(port)"

        // Half a request: the web server waits for the rest, the connection stays.
        let client = TCPTestClient.connect(port: port)
        try #require(client >= 0)
        defer { close(client) }
        let partial = Array("GET /page.txt HTTP/1.0\r\n".utf8)
        #expect(partial.withUnsafeBytes { TCPTestClient.sendAll(client, $0) })

        let watcher = try ControlClient(paths: engine.paths, client: "test-screen", answersPrompts: false)
        try watcher.send(.watch)
        var sawSnapshot = false
        var listed: [ConnectionStatus] = []
        #expect(try waitUntil(timeout: 10) {
            let id = try watcher.request(.connections(server: "lab", forward: forward))
            var reply: EngineReply.Body?
            let deadline = Date().addingTimeInterval(5)
            while reply == nil && Date() < deadline {
                var ready = pollfd(fd: watcher.fd, events: Int16(POLLIN), revents: 0)
                _ = poll(&ready, 1, 200)
                for message in try watcher.available() {
                    if case .snapshot = message { sawSnapshot = true }
                }
                reply = watcher.takeReplies().first { $0.requestID == id }?.body
            }
            guard case .connections(let list)? = reply else { return false }
            listed = list.connections
            // Counted once the bytes are written to the channel.
            return listed.first?.bytesOut == UInt64(partial.count)
        }, "\(listed)")
        #expect(sawSnapshot, "the watch's stream goes on beside the replies")
        let connection = try #require(listed.first)
        #expect(listed.count == 1)
        #expect(connection.client == "127.0.0.1:\(TargetListener.localPort(of: client))")
        #expect(connection.destination == "127.0.0.1:\(web.port)" && connection.state == .relaying, "\(connection)")

        // Refusals name what is unknown.
        let other = try ControlClient(paths: engine.paths, client: "test")
        #expect(throws: ControlError.refused("lab has no forward named nope")) { try other.connections(server: "lab", forward: "nope") }
        #expect(throws: ControlError.refused("no server named nowhere runs in this engine")) { try other.connections(server: "nowhere", forward: forward) }

        // A script that says its request and hangs up still gets the list.
        let script = """
            import socket, sys
            s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.settimeout(10)
            s.sendall(b'{"type":"hello","protocol":1}\\n{"type":"connections","server":"lab","forward":"%s"}\\n' % sys.argv[2].encode())
            s.shutdown(socket.SHUT_WR)
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk: break
                data += chunk
            print(data.decode())
            """
        try home.directory.write("connections.py", script)
        let plain = try Command("/usr/bin/python3", [home.directory.file("connections.py"), engine.paths.socket, forward], timeout: 30).run()
        #expect(plain.stdout.contains(#""type":"connections""#) && plain.stdout.contains(#""id":\#(connection.id)"#), "\(plain.stdout) \(plain.stderr)")

        // sluice connections: the table, the JSON, and a close.
        let table = try sluice(["connections", "lab/\(forward)"])
        #expect(table.status == 0 && table.stdout.contains("DESTINATION") && table.stdout.contains("127.0.0.1:\(web.port)")
            && table.stdout.contains("relaying"), "\(table.stdout) \(table.stderr)")
        let json = try sluice(["connections", "lab/\(forward)", "--json"])
        let line = try ControlProtocol.decode(EngineLine.self, from: Array(json.stdout.utf8))
        guard case .reply(let reply) = line, case .connections(let list) = reply.body else {
            Issue.record("not a connection list: \(json.stdout)")
            return
        }
        #expect(list.connections.map(\.id) == [connection.id] && list.server == "lab" && list.forward == forward)
        let closed = try sluice(["connections", "lab/\(forward)", "--close", "\(connection.id)"])
        #expect(closed.status == 0 && closed.stderr.contains("Closed connection \(connection.id) of lab/\(forward)."), "\(closed.stderr)")
        #expect(TargetListener.seesClose(client), "the client sees the close")
        let again = try sluice(["connections", "lab/\(forward)", "--close", "\(connection.id)"])
        #expect(again.status == 64 && again.stderr.contains("connection \(connection.id) is already closed"), "\(again.stderr)")
        let empty = try sluice(["connections", "lab/\(forward)"])
        #expect(empty.stdout.contains("No open connections on lab/\(forward)."), "\(empty.stdout)")
        let unknown = try sluice(["connections", "lab/nope"])
        #expect(unknown.status == 64 && unknown.stderr.contains("lab has no forward named nope"), "\(unknown.stderr)")
    }

    /// As a login service: started while the server is down, it keeps
    /// trying and brings the forwards up when the server comes.
    @Test func upWithTheServerDownWaitsForIt() throws {
        let port = try LoopbackPort.free()
        try saveLab(ports: [port])
        sshd.stop()
        let running = try up()
        defer { running.signal(SIGKILL); _ = running.wait() }
        #expect(logs.waitUntil("stderr", contains: "reconnecting (attempt 2"), "\(stderr)")
        #expect(running.isRunning)
        try sshd.start()
        #expect(logs.waitUntil("stderr", contains: "Forwarding 127.0.0.1:\(port)", timeout: 40), "\(stderr)")
        #expect(try fetch(port).stdout == web.page)
        running.signal(SIGTERM)
        #expect(running.wait(timeout: 20) == 0)
    }

    /// However the engine is stopped (here SIGTERM, as systemd does),
    /// watchers are told it is a stop, so the screen does not take it for
    /// a crash and start another.
    @Test func aSignalledStopIsToldToWatchers() throws {
        try saveLab(ports: [try LoopbackPort.free()])
        let running = try up()
        defer { running.signal(SIGKILL); _ = running.wait() }
        #expect(logs.waitUntil("stderr", contains: "Forwarding 127.0.0.1:"), "\(stderr)")
        let watch = try ChildProcess(SluiceBinary.path, ["status", "--watch"], environment: environment, stdout: logs.file("watch"))
        defer { watch.signal(SIGKILL); _ = watch.wait() }
        #expect(logs.waitUntil("watch", contains: "\"type\":\"snapshot\""))
        running.signal(SIGTERM)
        #expect(running.wait(timeout: 20) == 0)
        #expect(watch.wait(timeout: 10) == 0, "\((try? logs.read("watch")) ?? "")")
        #expect(try logs.read("watch").contains("\"type\":\"stopping\""))
    }

    /// A fresh account: no ~/.config yet, and later the store's folder is
    /// removed and made again; a log that cannot be written (a full disk)
    /// loses lines, not the engine.
    @Test func aMissingOrReplacedFolderAndAFullDiskAreSurvived() throws {
        let nested = home.directory.file("fresh/.config/sluice/forwards.json")
        let environment = home.environment.merging(["SLUICE_STORE": nested]) { $1 }
        let running = try ChildProcess(SluiceBinary.path, ["up"], environment: environment, stderr: "/dev/full")
        defer { running.signal(SIGKILL); _ = running.wait() }
        var status = try SluiceBinary.run(["status"], environment: environment)
        for _ in 0..<250 where status.status != 0 {
            usleep(20_000)
            status = try SluiceBinary.run(["status"], environment: environment)
        }
        #expect(status.status == 0, "\(status.stderr)")
        try FileManager.default.removeItem(atPath: home.directory.file("fresh/.config/sluice"))
        let port = try LoopbackPort.free()
        #expect(try SluiceBinary.run(["server", "add", "lab", "\(CurrentUser.name)@127.0.0.1:\(sshd.port)", "--identity", home.identityPath],
                                     environment: environment).status == 0)
        #expect(try SluiceBinary.run(["add", "lab", "-L", "\(port):127.0.0.1:\(web.port)"], environment: environment).status == 0)
        #expect(waitUntil { (try? fetch(port).stdout) == web.page }, "the recreated folder is followed")
        #expect(running.isRunning)
    }

    @Test func oneEnginePerStore() throws {
        try saveLab(ports: [try LoopbackPort.free()])
        let started = try sluice(["start"])
        #expect(started.status == 0 && started.stderr.contains("Engine started (pid "), "\(started.stderr)")
        defer { engine.stop() }
        let pid = try #require(engine.pid())
        #expect(started.stderr.contains("(pid \(pid))"))
        let again = try sluice(["start"])
        #expect(again.status == 0 && again.stderr.contains("already runs for this store (pid \(pid))"), "\(again.stderr)")
        let second = try sluice(["up"])
        #expect(second.status == 75 && second.stderr.contains("an engine already runs for") && second.stderr.contains("(pid \(pid))"), "\(second.stderr)")
        // Its log is where the user is told it is, under this HOME.
        #expect(engine.paths.log.hasPrefix(home.directory.file(".local/state/sluice/engine-")))
        #expect(waitUntil { ((try? String(contentsOfFile: engine.paths.log, encoding: .utf8)) ?? "").contains("Forwarding 127.0.0.1:") })

        // kill -9: the lock goes with the process; the stale socket is
        // replaced by the next engine.
        kill(pid, SIGKILL)
        #expect(waitUntil(timeout: 5) { !engine.isRunning })
        #expect(FileManager.default.fileExists(atPath: engine.paths.socket), "a crashed engine leaves its socket")
        #expect(try sluice(["status"]).status == 69)
        let restarted = try sluice(["start"])
        #expect(restarted.status == 0 && restarted.stderr.contains("Engine started"), "\(restarted.stderr)")
        #expect(try sluice(["status"]).status == 0)
    }

    @Test func theControlSocketIsPrivateAndSurvivesBadClients() throws {
        let port = try LoopbackPort.free()
        try saveLab(ports: [port])
        #expect(try sluice(["start"]).status == 0)
        defer { engine.stop() }
        let paths = engine.paths
        var info = stat()
        #expect(stat(paths.folder, &info) == 0 && info.st_mode & 0o777 == 0o700)
        #expect(stat(paths.socket, &info) == 0 && info.st_mode & 0o777 == 0o600)
        #expect(try waitUntil { try snapshot().servers.first?.forwards.first?.state == .up })

        // Garbage, a 10 MiB line, and a client that asks for a watch and
        // never reads, all at once (a Python client: not Sluice's own code).
        let script = """
            import socket, sys, time
            path = sys.argv[1]
            def connect():
                s = socket.socket(socket.AF_UNIX); s.connect(path); return s
            def first_lines(s, n):
                s.settimeout(10); data = b""
                while data.count(b"\\n") < n:
                    chunk = s.recv(65536)
                    if not chunk: break
                    data += chunk
                return data
            g = connect(); g.sendall(b"\\x00\\xffgarbage\\n"); print(first_lines(g, 2).decode(errors="replace"))
            h = connect(); h.sendall(b'{"type":"hello","protocol":1}\\n')
            try:
                h.sendall(b"x" * (10 << 20))
            except OSError as e:
                print("big line cut off:", e.errno)
            print(first_lines(h, 2).decode(errors="replace"))
            q = connect(); q.sendall(b'{"type":"hello","protocol":1}\\n{"type":"status"}\\n'); q.shutdown(socket.SHUT_WR)
            print("after half-close:", first_lines(q, 2).decode(errors="replace")[-200:])
            w = connect(); w.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            w.sendall(b'{"type":"hello","protocol":1}\\n{"type":"watch"}\\n')
            time.sleep(1)
            print("never-reading watcher still connected")
            """
        try home.directory.write("client.py", script)
        let clients = try Command("/usr/bin/python3", [home.directory.file("client.py"), paths.socket], timeout: 60).run()
        #expect(clients.status == 0, "\(clients.stderr)")
        #expect(clients.stdout.contains("not a request"), "\(clients.stdout)")
        #expect(clients.stdout.contains("a message longer than 65536 bytes"), "\(clients.stdout)")
        #expect(clients.stdout.contains("after half-close:") && clients.stdout.contains("\"type\":\"snapshot\""), "replies still come: \(clients.stdout)")
        // The engine carries on.
        #expect(try fetch(port).stdout == web.page)
        #expect(try sluice(["status"]).status == 0)

        // Another user: the folder keeps them out; opened by mistake, the
        // engine still refuses them by their uid.
        let nobody = ["--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-c",
                      "import socket,sys\ns=socket.socket(socket.AF_UNIX)\ntry:\n s.connect(sys.argv[1]); s.settimeout(10); print(s.recv(4096).decode())\nexcept OSError as e:\n print('refused:', e.strerror)",
                      paths.socket]
        let shut = try Command("/usr/bin/setpriv", nobody).run()
        #expect(shut.stdout.contains("refused: Permission denied"), "\(shut.stdout) \(shut.stderr)")
        chmod(home.path, 0o755)
        chmod(home.runtimeDirectory, 0o755)
        chmod(paths.folder, 0o755)
        chmod(paths.socket, 0o777)
        defer { chmod(paths.folder, 0o700); chmod(paths.socket, 0o600); chmod(home.runtimeDirectory, 0o700) }
        let foreign = try Command("/usr/bin/setpriv", nobody).run()
        #expect(foreign.stdout.contains("this engine belongs to another user"), "\(foreign.stdout) \(foreign.stderr)")
        #expect(!foreign.stdout.contains("\"hello\""), "nothing about the engine is told to another user")
    }
}
