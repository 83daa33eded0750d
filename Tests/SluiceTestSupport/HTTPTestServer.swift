import Foundation

/// `python3 -m http.server` on a loopback address, serving a folder with
/// one file, `page.txt`, for SOCKS tests with a real client (curl).
public final class HTTPTestServer: @unchecked Sendable {
    public let port: Int
    public let address: String
    public let page: String
    private let folder: TemporaryDirectory
    private let process: ChildProcess

    public init(address: String = "127.0.0.1", pageBytes: Int = 16 * 1024) throws {
        folder = try TemporaryDirectory(prefix: "sluice-http")
        var stream = ByteStream(seed: 99)
        var bytes = [UInt8](repeating: 0, count: pageBytes)
        bytes.withUnsafeMutableBytes { stream.fill($0) }
        page = String(bytes.map { Character(UnicodeScalar(UInt8(97 + Int($0) % 26))) })
        try folder.write("page.txt", page)
        self.address = address
        var lastError = ""
        for _ in 0..<20 {
            let port = try LoopbackPort.free()
            let child = try ChildProcess("/usr/bin/python3", ["-m", "http.server", String(port), "--bind", address, "--directory", folder.path],
                                         stderr: folder.file("stderr.log"))
            if Self.waitUntilServing(address: address, port: port, child: child) {
                self.port = port
                process = child
                ServerRecord.note(pid: child.pid, marker: folder.path)
                return
            }
            child.signal(SIGKILL)
            child.wait()
            lastError = (try? folder.read("stderr.log")) ?? ""
        }
        throw TestSupportError("python3 http.server did not start: \(lastError)")
    }

    deinit {
        process.signal(SIGTERM)
        process.wait()
    }

    /// The URL of the page, with IPv6 addresses in brackets.
    public func url(host: String? = nil) -> String {
        let shown = host ?? (address.contains(":") ? "[\(address)]" : address)
        return "http://\(shown):\(port)/page.txt"
    }

    private static func waitUntilServing(address: String, port: Int, child: ChildProcess) -> Bool {
        for _ in 0..<200 {
            guard child.isRunning else { return false }
            let result = try? Command("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--noproxy", "*",
                                                        "http://\(address.contains(":") ? "[\(address)]" : address):\(port)/"], timeout: 5).run()
            if result?.stdout == "200" { return true }
            usleep(50_000)
        }
        return false
    }
}
