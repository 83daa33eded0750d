import Foundation
import SluiceTestSupport
import Synchronization

/// `sluice agent` as a process of the test's own, on a port the system
/// picks (read back from its "listening on" line), with its services file
/// and logs in a folder of its own.
final class AgentProcess {
    let folder: TemporaryDirectory
    let process: ChildProcess
    let port: Int

    var servicesPath: String { folder.file("services.json") }
    var log: String { (try? folder.read("stderr")) ?? "" }

    init(services: String, arguments: [String] = [], listen: String = "127.0.0.1:0") throws {
        folder = try TemporaryDirectory(prefix: "sluice-agent")
        try folder.write("services.json", services)
        process = try ChildProcess(SluiceBinary.path, ["agent", "--listen", listen, "--services", folder.file("services.json")] + arguments,
                                   stdout: folder.file("stdout"), stderr: folder.file("stderr"))
        ServerRecord.note(pid: process.pid, marker: folder.path)
        guard folder.waitUntil("stderr", contains: "listening on ") else {
            throw TestSupportError("sluice agent did not start: \((try? folder.read("stderr")) ?? "")")
        }
        let line = ((try? folder.read("stderr")) ?? "").split(separator: "\n").first { $0.contains("listening on ") } ?? ""
        let address = line.split(separator: " ").drop { $0 != "on" }.dropFirst().first ?? ""
        guard let port = address.split(separator: ":").last.flatMap({ Int($0) }) else {
            throw TestSupportError("no port in: \(line)")
        }
        self.port = port
    }

    func url(_ path: String, scheme: String = "ws") -> String {
        "\(scheme)://127.0.0.1:\(port)\(path)"
    }

    func forward(_ route: String, scheme: String = "ws") -> String {
        url("/api/v1/forward/\(route)", scheme: scheme)
    }

    func waitForLog(_ text: String, timeout: TimeInterval = 20) -> Bool {
        folder.waitUntil("stderr", contains: text, timeout: timeout)
    }

    /// Its exit status after `signal`, or nil if it did not exit in time.
    func stop(_ signal: Int32 = SIGTERM, timeout: TimeInterval = 20) -> Int32? {
        process.signal(signal)
        return process.wait(timeout: timeout)
    }
}

/// Tests/Scripts/agent_client.py, run by a python3 that has the
/// `websockets` library (scripts/install-deps puts it there).
enum AgentClient {
    struct Result: Decodable {
        var status: Int?
        var subprotocol: String?
        var received: Int?
        var eof: Bool?
        /// How many empty frames came (sluice.v2: one per connection).
        var eofs: Int?
        var receivedAtEof: Int?
        var pongs: Int?
        var closeCode: Int?
        var closeReason: String?
        var headers: [String: String]?
        var body: String?
        var error: String?

        /// The JSON body's "message".
        var message: String? {
            guard let data = body?.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
            return object["message"] as? String
        }
    }

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Scripts/agent_client.py").path

    /// The first python3 on PATH that can import websockets' asyncio client.
    static let python: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/python3"
            guard FileManager.default.isExecutableFile(atPath: candidate) else { continue }
            if let check = try? Command(candidate, ["-c", "import websockets.asyncio.client"], timeout: 60).run(), check.status == 0 {
                return candidate
            }
        }
        return nil
    }()

    static func interpreter() throws -> String {
        guard let python else { throw TestSupportError("no python3 on PATH has the websockets library (13 or later): run scripts/install-deps") }
        return python
    }

    static func run(_ arguments: [String], timeout: TimeInterval = 60) throws -> Result {
        let output = try Command(try interpreter(), [script] + arguments + ["--timeout", String(Int(timeout - 5))], timeout: timeout).run()
        return try decode(output.stdout, stderr: output.stderr)
    }

    /// Runs in the background; `finish` reads its result.
    static func start(_ arguments: [String], in folder: TemporaryDirectory, name: String) throws -> ChildProcess {
        try ChildProcess(try interpreter(), [script] + arguments, stdout: folder.file(name + ".json"), stderr: folder.file(name + ".err"))
    }

    static func finish(_ child: ChildProcess, in folder: TemporaryDirectory, name: String, timeout: TimeInterval = 30) throws -> Result {
        guard child.wait(timeout: timeout) != nil else {
            child.signal(SIGKILL)
            child.wait()
            throw TestSupportError("the client did not finish within \(Int(timeout)) s")
        }
        return try decode((try? folder.read(name + ".json")) ?? "", stderr: (try? folder.read(name + ".err")) ?? "")
    }

    private static func decode(_ stdout: String, stderr: String) throws -> Result {
        guard let line = stdout.split(separator: "\n").last, let result = try? JSONDecoder().decode(Result.self, from: Data(line.utf8)) else {
            throw TestSupportError("agent_client.py printed no result: \(stdout) \(stderr)")
        }
        return result
    }
}

/// A WebSocket client made of a plain socket, for what a well-behaved
/// library will not do: stop reading, or never answer a ping.
struct RawWebSocket {
    let fd: Int32
    /// What came before the test took over: the 101 answer, and maybe frames.
    let greeting: String

    /// Connects and sends the upgrade for `path`, offering `protocols`;
    /// reads the answer's head.
    init(port: Int, path: String, protocols: [String] = [], timeout: TimeInterval = 10) throws {
        let fd = TCPTestClient.connect(port: port, timeout: timeout)
        guard fd >= 0 else { throw TestSupportError("cannot connect to 127.0.0.1:\(port)") }
        self.fd = fd
        let offer = protocols.isEmpty ? "" : "Sec-WebSocket-Protocol: \(protocols.joined(separator: ", "))\r\n"
        let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\(offer)\r\n"
        _ = Array(request.utf8).withUnsafeBytes { TCPTestClient.sendAll(fd, $0) }
        var head: [UInt8] = []
        var byte: UInt8 = 0
        while !head.suffix(4).elementsEqual(Array("\r\n\r\n".utf8)), recv(fd, &byte, 1, 0) == 1 {
            head.append(byte)
        }
        greeting = String(decoding: head, as: UTF8.self)
    }

    /// One binary frame, masked as a client's must be (with a zero key,
    /// so the payload goes as it is); false when the send timed out.
    func sendBinary(_ payload: [UInt8]) -> Bool {
        send(opcode: 0x2, payload)
    }

    func sendText(_ text: String) -> Bool {
        send(opcode: 0x1, Array(text.utf8))
    }

    /// The next frame from the agent (unmasked, as a server's are): its
    /// opcode and payload; nil when the connection ended or timed out.
    func receiveFrame() -> (opcode: UInt8, payload: [UInt8])? {
        let head = TCPTestClient.receive(fd, count: 2)
        guard head.count == 2 else { return nil }
        var length = Int(head[1] & 0x7F)
        if length >= 126 {
            let size = length == 126 ? 2 : 8
            let extended = TCPTestClient.receive(fd, count: size)
            guard extended.count == size else { return nil }
            length = extended.reduce(0) { $0 << 8 | Int($1) }
        }
        let payload = length == 0 ? [] : TCPTestClient.receive(fd, count: length)
        guard payload.count == length else { return nil }
        return (head[0] & 0x0F, payload)
    }

    private func send(opcode: UInt8, _ payload: [UInt8]) -> Bool {
        var frame: [UInt8] = [0x80 | opcode]
        if payload.count < 126 {
            frame.append(0x80 | UInt8(payload.count))
        } else if payload.count <= 0xFFFF {
            frame.append(0x80 | 126)
            frame += [UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        } else {
            frame.append(0x80 | 127)
            frame += (0..<8).reversed().map { UInt8(truncatingIfNeeded: UInt64(payload.count) >> (8 * $0)) }
        }
        frame += [0, 0, 0, 0] + payload
        return frame.withUnsafeBytes { TCPTestClient.sendAll(fd, $0) }
    }

    func close() {
        Glibc.close(fd)
    }
}

/// The resident memory of a process, from /proc, in bytes.
func residentBytes(of pid: pid_t) -> Int {
    let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
    return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
}

/// A client's upload through a `RawWebSocket`, in 64 KiB binary frames on
/// a thread of its own, so that a test can watch it being held back. With
/// `thenEnd`, an empty binary frame (the client's end) follows the last.
final class BackgroundUpload: Sendable {
    let total: Int
    private let progress = Mutex((sent: 0, ended: false))
    private let done = DispatchSemaphore(value: 0)

    init(through socket: RawWebSocket, total: Int, byte: UInt8, thenEnd: Bool = false) {
        self.total = total
        Thread { [self] in
            let chunk = [UInt8](repeating: byte, count: 64 << 10)
            var count = 0
            while count < total, socket.sendBinary(chunk) {
                count += chunk.count
                progress.withLock { $0.sent = count }
            }
            if thenEnd, count == total, socket.sendBinary([]) { progress.withLock { $0.ended = true } }
            done.signal()
        }.start()
    }

    /// Bytes sent so far.
    var sent: Int { progress.withLock { $0.sent } }
    var sentEnd: Bool { progress.withLock { $0.ended } }

    /// True once the upload is over (all sent, or a send failed).
    func finish(within seconds: Double) -> Bool {
        done.wait(timeout: .now() + seconds) == .success
    }

    /// Reads `fd` until `total` bytes came or it ended; the count read.
    static func receive(_ fd: Int32, upTo total: Int) -> Int {
        var received = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while received < total {
            let count = recv(fd, &buffer, min(buffer.count, total - received), 0)
            guard count > 0 else { break }
            received += count
        }
        return received
    }
}
