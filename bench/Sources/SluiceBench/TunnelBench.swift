import Foundation
import SluiceTestSupport

/// Runs the traffic measurements through the direct path, OpenSSH and
/// Sluice side by side, interleaved run by run so drift on the machine
/// touches all three alike, and collects the samples.
final class TunnelBench {
    struct Settings {
        var runs: Int
        var transferBytes: Int
        var roundTrips: Int
        var connections: Int
        var connectionBytes: Int
        var fetches: Int
        var sluicePath: String
        /// Added to the environment of every `sluice` the bench starts.
        var sluiceEnvironment: [String: String] = [:]
    }

    enum Path: String, CaseIterable {
        case local = "-L"
        case reverse = "-R"
    }

    enum Direction: String, CaseIterable {
        case upload = "client → server"
        case download = "server → client"
    }

    /// Samples per figure and tunnel kind.
    typealias Samples = [Tunnel.Kind: [Double]]

    let settings: Settings
    let services: Services
    private(set) var throughput: [String: Samples] = [:]
    private(set) var cpuPerGiB: [String: [Tunnel.Kind: Double]] = [:]
    private(set) var latencyP50: Samples = [:]
    private(set) var latencyP99: Samples = [:]
    private(set) var concurrentSucceeded: Samples = [:]
    private(set) var concurrentSeconds: Samples = [:]
    private(set) var fetchesPerSecond: Samples = [:]
    private(set) var peakResident: [Tunnel.Kind: Double] = [:]
    /// Peak resident memory of a fresh client that served only the
    /// concurrent connections, and how many of them it served.
    private(set) var crowdResident: Samples = [:]
    private(set) var crowdSucceeded: Samples = [:]

    init(settings: Settings, services: Services) {
        self.settings = settings
        self.services = services
    }

    static func throughputKey(_ path: Path, _ direction: Direction, _ cipher: String) -> String {
        "\(path.rawValue) \(direction.rawValue), \(cipher)"
    }

    /// One cipher's measurements against an sshd that accepts only that
    /// cipher, so neither tool can quietly negotiate another; the latency,
    /// concurrency and SOCKS figures when `connections` is set.
    func measure(cipher: String, throughput measureThroughput: Bool, connections connectionsToo: Bool) throws {
        let server = try SSHServer(extraConfig: ["Ciphers \(cipher)"])
        let home = try ClientHome(trusting: server)
        let tunnels = [
            Tunnel(direct: services),
            try Tunnel(.openSSH, server: server, home: home, cipher: cipher, services: services, sluicePath: settings.sluicePath, sluiceEnvironment: settings.sluiceEnvironment),
            try Tunnel(.sluice, server: server, home: home, cipher: cipher, services: services, sluicePath: settings.sluicePath, sluiceEnvironment: settings.sluiceEnvironment),
        ]
        var cpu: [Tunnel.Kind: Double] = [:]
        var moved: [Tunnel.Kind: Double] = [:]
        for run in 0..<settings.runs {
            // Rotate who goes first, so no tool always follows the same one.
            for tunnel in tunnels.rotated(by: run) {
                for path in Path.allCases where measureThroughput {
                    for direction in Direction.allCases {
                        let port = path == .local ? tunnel.localBulkPort : tunnel.reverseBulkPort
                        let cpuBefore = tunnel.usage?.cpuSeconds ?? 0
                        let serverCPUBefore = Self.serverCPU(server)
                        let seconds = direction == .upload
                            ? try LoadClient.upload(port: port, bytes: settings.transferBytes)
                            : try LoadClient.download(port: port, bytes: settings.transferBytes)
                        let cpuUsed = (tunnel.usage?.cpuSeconds ?? 0) - cpuBefore
                        cpu[tunnel.kind, default: 0] += cpuUsed
                        moved[tunnel.kind, default: 0] += Double(settings.transferBytes)
                        let rate = Double(settings.transferBytes) / seconds / 1e6
                        throughput[Self.throughputKey(path, direction, cipher), default: [:]][tunnel.kind, default: []].append(rate)
                        let gibibytes = Double(settings.transferBytes) / Double(1 << 30)
                        let cpuText = tunnel.usage == nil ? "" : String(format: ", client CPU %.2f s/GiB, sshd %.2f s/GiB", cpuUsed / gibibytes, (Self.serverCPU(server) - serverCPUBefore) / gibibytes)
                        Progress.say("run \(run + 1)/\(settings.runs) \(cipher) \(tunnel.kind.rawValue) \(path.rawValue) \(direction.rawValue): \(String(format: "%.0f", rate)) MB/s\(cpuText)")
                    }
                }
                if connectionsToo {
                    try measureConnections(through: tunnel, run: run)
                }
            }
        }
        for tunnel in tunnels where tunnel.usage != nil {
            if let bytes = moved[tunnel.kind], bytes > 0 {
                cpuPerGiB[cipher, default: [:]][tunnel.kind] = cpu[tunnel.kind, default: 0] / (bytes / Double(1 << 30))
            }
            peakResident[tunnel.kind] = max(peakResident[tunnel.kind] ?? 0, Double(tunnel.usage!.peakResidentBytes))
            tunnel.stop()
        }
        if connectionsToo {
            try measureCrowdMemory(server: server, home: home, cipher: cipher)
        }
    }

    /// The memory a crowd of connections costs, apart from everything else:
    /// each run starts both tools afresh, sends `connections` concurrent
    /// connections through (all open until the last is done), and reads the
    /// peak resident size (VmHWM).
    private func measureCrowdMemory(server: SSHServer, home: ClientHome, cipher: String) throws {
        for run in 0..<settings.runs {
            for kind in [Tunnel.Kind.openSSH, .sluice].rotated(by: run) {
                let tunnel = try Tunnel(kind, server: server, home: home, cipher: cipher, services: services, sluicePath: settings.sluicePath, sluiceEnvironment: settings.sluiceEnvironment)
                defer { tunnel.stop() }
                // In waves of 100, 50 ms apart: ssh accepts from a queue of
                // 128, and a burst of 1,000 leaves it serving a few hundred,
                // which would flatter its memory.
                let outcome = ConcurrentEcho(port: tunnel.localEchoPort, connections: settings.connections, bytes: settings.connectionBytes, wave: 100).run()
                let peak = Double(tunnel.usage!.peakResidentBytes)
                crowdResident[kind, default: []].append(peak)
                crowdSucceeded[kind, default: []].append(Double(outcome.succeeded))
                Progress.say("run \(run + 1)/\(settings.runs) \(kind.rawValue) fresh, \(settings.connections) concurrent: \(outcome.succeeded) succeeded, peak RSS \(String(format: "%.1f", peak / 1_048_576)) MiB"
                    + (outcome.firstFailure.map { " (first failure: \($0))" } ?? ""))
            }
        }
    }

    /// CPU used so far by the sshd processes serving connections: where a
    /// tool makes the server work harder, it shows here.
    private static func serverCPU(_ server: SSHServer) -> Double {
        server.connectionProcesses.reduce(0) { $0 + ProcessUsage(pid: $1).cpuSeconds }
    }

    private func measureConnections(through tunnel: Tunnel, run: Int) throws {
        let name = "run \(run + 1)/\(settings.runs) \(tunnel.kind.rawValue)"
        let samples = try LoadClient.roundTrips(port: tunnel.localEchoPort, count: settings.roundTrips)
        latencyP50[tunnel.kind, default: []].append(Statistics.percentile(samples, 50) * 1e6)
        latencyP99[tunnel.kind, default: []].append(Statistics.percentile(samples, 99) * 1e6)
        Progress.say("\(name) connect + 1-byte echo: p50 \(Int(Statistics.percentile(samples, 50) * 1e6)) µs, p99 \(Int(Statistics.percentile(samples, 99) * 1e6)) µs")

        let outcome = ConcurrentEcho(port: tunnel.localEchoPort, connections: settings.connections, bytes: settings.connectionBytes).run()
        concurrentSucceeded[tunnel.kind, default: []].append(Double(outcome.succeeded))
        concurrentSeconds[tunnel.kind, default: []].append(outcome.seconds)
        Progress.say("\(name) \(settings.connections) concurrent: \(outcome.succeeded) succeeded in \(String(format: "%.2f", outcome.seconds)) s" + (outcome.firstFailure.map { " (first failure: \($0))" } ?? ""))

        let seconds = try PageFetches.run(count: settings.fetches, url: services.page.url(), socksPort: tunnel.socksPort)
        fetchesPerSecond[tunnel.kind, default: []].append(Double(settings.fetches) / seconds)
        Progress.say("\(name) \(settings.fetches) fetches: \(String(format: "%.0f", Double(settings.fetches) / seconds))/s")
    }
}

extension Array {
    func rotated(by count: Int) -> [Element] {
        guard !isEmpty else { return self }
        let shift = count % self.count
        return Array(self[shift...] + self[..<shift])
    }
}
