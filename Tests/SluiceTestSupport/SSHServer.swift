import Foundation

/// A private OpenSSH server on a free loopback port, with throwaway host and
/// user keys, for tests that need a real peer.
///
/// It is stopped (by pid, with every process it forked) when released, so a
/// test that fails half-way leaves nothing running. It can be stopped and
/// started again on the same port, and frozen with SIGSTOP to play a dead
/// but open link.
public final class SSHServer: @unchecked Sendable {
    public static let sshdPath = "/usr/sbin/sshd"

    public let directory: TemporaryDirectory
    /// The loopback address it listens on (127.0.0.1 unless told).
    public let address: String
    /// The port it listens on; chosen free, and chosen again at the first
    /// start if another process takes it meanwhile.
    public private(set) var port: Int
    /// The private key whose public half the server accepts.
    public let userKeyPath: String
    /// `[127.0.0.1]:PORT ssh-ed25519 AAAA...`, the line a known_hosts file needs.
    public var knownHostsLine: String { "[\(address)]:\(port) \(hostPublicKey)" }
    private let hostPublicKey: String
    private let extraConfig: [String]
    /// The SHA256 fingerprint of the host key, as OpenSSH prints it.
    public let hostKeyFingerprint: String
    public let logPath: String

    private var process: ChildProcess?

    /// Starts a server on `address` (any 127.x.y.z); `extraConfig` lines are
    /// appended to its sshd_config.
    public init(address: String = "127.0.0.1", extraConfig: [String] = []) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.sshdPath) else {
            throw TestSupportError("\(Self.sshdPath) is missing; install openssh-server (make test does)")
        }
        directory = try TemporaryDirectory(prefix: "sluice-sshd")
        self.address = address
        port = try LoopbackPort.free()
        let hostKey = directory.file("hostkey")
        userKeyPath = directory.file("userkey")
        logPath = directory.file("sshd.log")
        try Self.keygen(hostKey)
        try Self.keygen(userKeyPath)
        try FileManager.default.copyItem(atPath: userKeyPath + ".pub", toPath: directory.file("authorized_keys"))
        hostPublicKey = try String(contentsOfFile: hostKey + ".pub", encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
        self.extraConfig = extraConfig
        let fingerprint = try Command("/usr/bin/ssh-keygen", ["-l", "-E", "sha256", "-f", hostKey + ".pub"]).run().stdout
        hostKeyFingerprint = fingerprint.split(separator: " ").dropFirst().first.map(String.init) ?? ""
        // sshd run as root insists on its privilege-separation folder.
        try? FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        try start(mayMove: true)
    }

    private func writeConfig() throws {
        try directory.write("sshd_config", ([
            "Port \(port)",
            "ListenAddress \(address)",
            "HostKey \(directory.file("hostkey"))",
            "AuthorizedKeysFile \(directory.file("authorized_keys"))",
            "PermitRootLogin yes",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "StrictModes no",
            "AllowTcpForwarding yes",
            "GatewayPorts no",
            "UsePAM no",
            "PidFile \(directory.file("sshd.pid"))",
        ] + extraConfig).joined(separator: "\n") + "\n")
    }

    deinit {
        stop()
    }

    public var isRunning: Bool { process?.isRunning ?? false }

    /// The listener's pid while it runs.
    public var pid: pid_t? { process?.pid }

    /// Starts the server on its port (again, after `stop`) and waits until it
    /// greets clients.
    public func start() throws {
        try start(mayMove: false)
    }

    /// `mayMove`: at the first start, a port another process took since it
    /// was found free is given up for another (a restart keeps its port).
    private func start(mayMove: Bool) throws {
        guard process == nil else { return }
        var lastError = ""
        for _ in 0..<50 {
            try writeConfig()
            let logged = (try? FileManager.default.attributesOfItem(atPath: logPath)[.size] as? Int) ?? 0
            let process = try ChildProcess(Self.sshdPath, ["-D", "-f", directory.file("sshd_config"), "-E", logPath])
            if try waitForGreeting(of: process, logStart: logged) {
                self.process = process
                ServerRecord.note(pid: process.pid, marker: directory.path)
                return
            }
            process.signal(SIGTERM)
            process.wait()
            lastError = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            if mayMove && lastError.contains("Address already in use") {
                port = try LoopbackPort.free()
            } else {
                // The old server's socket can linger a moment after a restart.
                usleep(100_000)
            }
        }
        throw TestSupportError("sshd did not start on port \(port); its log says:\n\(lastError)")
    }

    /// Kills the server and every connection process it forked: a dropped link.
    public func stop() {
        guard let process else { return }
        thaw()
        let children = ProcessTree.descendants(of: process.pid)
        for child in children {
            kill(child, SIGKILL)
        }
        process.signal(SIGTERM)
        process.wait()
        self.process = nil
        // SIGKILL takes effect asynchronously: return only once the
        // connection processes are really gone, as after a dropped link.
        let deadline = Date().addingTimeInterval(5)
        while children.contains(where: ProcessTree.isAlive) && Date() < deadline {
            usleep(10_000)
        }
    }

    public func restart() throws {
        stop()
        try start()
    }

    /// Stops the server and its connection processes with SIGSTOP: the TCP
    /// connections stay open but nothing answers, as when a host hangs.
    public func freeze() {
        signalAll(SIGSTOP)
    }

    public func thaw() {
        signalAll(SIGCONT)
    }

    /// The processes serving open connections, not the listener.
    public var connectionProcesses: [pid_t] {
        guard let process else { return [] }
        return ProcessTree.descendants(of: process.pid)
    }

    /// Lets the holder of another key in too (e.g. a client HOME made for
    /// another server): sshd reads authorized_keys at each login.
    public func authorize(publicKeyFile: String) throws {
        let key = try String(contentsOfFile: publicKeyFile, encoding: .utf8)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: directory.file("authorized_keys")))
        defer { try? handle.close() }
        handle.seekToEndOfFile()
        handle.write(Data(key.utf8))
    }

    public var log: String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    private func signalAll(_ signal: Int32) {
        guard let process else { return }
        for pid in [process.pid] + ProcessTree.descendants(of: process.pid) {
            kill(pid, signal)
        }
    }

    /// True once this process greets clients: its own log says it
    /// listens (another test's sshd may answer on a port taken meanwhile).
    private func waitForGreeting(of process: ChildProcess, logStart: Int) throws -> Bool {
        let deadline = Date().addingTimeInterval(10)
        let listening = "Server listening on \(address) port \(port)"
        while Date() < deadline {
            guard process.isRunning else { return false }
            let logText = (try? Data(contentsOf: URL(fileURLWithPath: logPath))).map { String(decoding: $0.dropFirst(logStart), as: UTF8.self) } ?? ""
            if logText.contains(listening), let greeting = LoopbackPort.greeting(host: address, port: port, timeout: 0.5),
               greeting.hasPrefix("SSH-2.0"), process.isRunning {
                return true
            }
            usleep(20_000)
        }
        return false
    }

    private static func keygen(_ path: String) throws {
        let result = try Command("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "sluice-test", "-f", path]).run()
        guard result.status == 0 else { throw TestSupportError("ssh-keygen failed: \(result.stderr)") }
    }
}
