import Foundation
import SluiceTestSupport

/// One way for the benchmark's traffic to reach the services: straight to
/// them (the ceiling), through OpenSSH's `ssh`, or through Sluice. Both
/// tunnels carry the same forwards over one session each: -L to the bulk
/// and echo services, -R back to the bulk service, and -D.
final class Tunnel {
    enum Kind: String, CaseIterable {
        case direct = "Direct"
        case openSSH = "OpenSSH"
        case sluice = "Sluice"
    }

    let kind: Kind
    /// Where a client connects to reach the bulk service through -L.
    let localBulkPort: Int
    /// Where a client connects to reach the echo service through -L.
    let localEchoPort: Int
    /// Where a client connects to reach the bulk service through -R (the
    /// server's side of the reverse forward).
    let reverseBulkPort: Int
    /// The SOCKS5 port of -D; nil when fetches go straight to the page.
    let socksPort: Int?
    private let process: ChildProcess?
    private let logFolder: TemporaryDirectory?

    /// The services themselves, no tunnel.
    init(direct services: Services) {
        kind = .direct
        localBulkPort = services.bulk.port
        localEchoPort = services.echo.port
        reverseBulkPort = services.bulk.port
        socksPort = nil
        process = nil
        logFolder = nil
    }

    /// Starts `ssh -N` (OpenSSH) or `sluice forward` with the same forwards
    /// against `server`, and waits until every forward accepts connections.
    /// `sshPort`: where the tool connects for SSH, when not the server's
    /// own port (a `DelayLine` in front of it).
    init(_ kind: Kind, server: SSHServer, home: ClientHome, cipher: String?, services: Services, sluicePath: String, sluiceEnvironment: [String: String] = [:], sshPort: Int? = nil) throws {
        precondition(kind != .direct)
        self.kind = kind
        localBulkPort = try LoopbackPort.free()
        localEchoPort = try LoopbackPort.free()
        reverseBulkPort = try LoopbackPort.free()
        let socks = try LoopbackPort.free()
        socksPort = socks
        let logs = try TemporaryDirectory(prefix: "sluice-bench-\(kind.rawValue.lowercased())")
        logFolder = logs
        let forwards = [
            "-L", "\(localBulkPort):127.0.0.1:\(services.bulk.port)",
            "-L", "\(localEchoPort):127.0.0.1:\(services.echo.port)",
            "-R", "\(reverseBulkPort):127.0.0.1:\(services.bulk.port)",
            "-D", "\(socks)",
        ]
        let port = sshPort ?? server.port
        switch kind {
        case .openSSH:
            var arguments = home.sshArguments(for: server)
            if let index = arguments.firstIndex(of: "-p") { arguments[index + 1] = String(port) }
            process = try ChildProcess("/usr/bin/ssh", arguments + ["-N", "-o", "ExitOnForwardFailure=yes"] + (cipher.map { ["-c", $0] } ?? [])
                + forwards + ["\(CurrentUser.name)@127.0.0.1"],
                environment: home.environment, stdout: logs.file("out.log"), stderr: logs.file("err.log"))
        case .sluice:
            // Sluice takes ciphers from the user's ssh config, as ssh would.
            try home.directory.write(".ssh/config", cipher.map { "Ciphers \($0)\n" } ?? "", mode: 0o600)
            process = try ChildProcess(sluicePath, [
                "forward", "\(CurrentUser.name)@127.0.0.1:\(port)", "--identity", home.identityPath, "--drain", "1",
            ] + forwards, environment: home.environment.merging(sluiceEnvironment) { $1 }, stdout: logs.file("out.log"), stderr: logs.file("err.log"))
        case .direct:
            process = nil
        }
        try waitUntilReady()
    }

    deinit {
        stop()
    }

    /// The tunnel's client process (nil for direct).
    var usage: ProcessUsage? { process.map { ProcessUsage(pid: $0.pid) } }

    func stop() {
        process?.terminate()
    }

    private func waitUntilReady() throws {
        let ports = [localBulkPort, localEchoPort, reverseBulkPort] + (socksPort.map { [$0] } ?? [])
        let deadline = Clock.now + 30
        while Clock.now < deadline {
            guard process?.isRunning ?? true else { break }
            if ports.allSatisfy(BenchSocket.accepts) { return }
            usleep(50_000)
        }
        throw BenchError("\(kind.rawValue) did not bring its forwards up within 30 s. It said:\n\(log)")
    }

    private var log: String {
        guard let logFolder else { return "" }
        return ["out.log", "err.log"].compactMap { try? logFolder.read($0) }.joined(separator: "\n")
    }
}
