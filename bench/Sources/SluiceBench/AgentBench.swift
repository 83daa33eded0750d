import Foundation
import SluiceTestSupport

/// The agent transport beside OpenSSH: `sluice port-forward` in front of
/// `sluice agent`, over ws:// and wss://, and `ssh -L` to the same
/// services, with the direct path as the ceiling. The ways take turns
/// within each run, and who goes first rotates, as in `TunnelBench`.
final class AgentBench {
    /// One way from the benchmark's client to a service.
    enum Way: String, CaseIterable {
        case direct = "direct"
        case sshL = "ssh -L"
        /// `sluice port-forward --node ws://…` with the default pool.
        case ws = "agent ws://"
        case wss = "agent wss://"
        /// ws:// with `--pool 0`: every connection dials its own WebSocket.
        case wsWithoutPool = "agent ws:// --pool 0"
    }

    /// Samples per way, one per run.
    typealias Samples = [Way: [Double]]

    let settings: TunnelBench.Settings
    let services: Services
    /// ssh -L's cipher: the throughput rows compare against this one.
    let cipher: String
    private(set) var throughput: [TunnelBench.Direction: Samples] = [:]
    private(set) var latencyP50: Samples = [:]
    private(set) var latencyP99: Samples = [:]
    /// CPU seconds per GiB moved over the throughput transfers, both ends
    /// together: port-forward + agent, or ssh + sshd's session processes.
    private(set) var cpuPerGiB: [Way: Double] = [:]
    /// The whole machine's busy CPU seconds per GiB moved, per run: every
    /// process on the way, the benchmark's own client and service, and the
    /// kernel (`MachineCPU`).
    private(set) var machineCPUPerGiB: [TunnelBench.Direction: Samples] = [:]
    private(set) var concurrentSucceeded: Samples = [:]
    private(set) var concurrentSeconds: Samples = [:]
    /// Resident memory (VmRSS) with the crowd open, of the process that
    /// holds the client side (port-forward; ssh) and of the server side
    /// (the agent; sshd's processes for the session, summed).
    private(set) var crowdClientResident: Samples = [:]
    private(set) var crowdServerResident: Samples = [:]
    /// The agent's resident memory, freshly started, before the crowd.
    private(set) var idleServerResident: Samples = [:]
    private(set) var crowdHeld: Samples = [:]

    init(settings: TunnelBench.Settings, services: Services, cipher: String) {
        self.settings = settings
        self.services = services
        self.cipher = cipher
    }

    func measure() throws {
        let server = try SSHServer(extraConfig: ["Ciphers \(cipher)"])
        let home = try ClientHome(trusting: server)
        let certificate = try ThrowawayCertificate()
        try measureTraffic(server: server, home: home, certificate: certificate)
        try measureCrowdMemory(server: server, home: home)
    }

    private var environment: [String: String] { settings.sluiceEnvironment }

    private func forward(to port: Int, through agent: RunningAgent, caFile: String? = nil, pool: Int? = nil) throws -> AgentForward {
        try AgentForward(to: port, through: agent, caFile: caFile, pool: pool, sluicePath: settings.sluicePath, environment: environment)
    }

    /// Throughput, latency and concurrency, every way in every run.
    private func measureTraffic(server: SSHServer, home: ClientHome, certificate: ThrowawayCertificate) throws {
        let ssh = try Tunnel(.openSSH, server: server, home: home, cipher: cipher, services: services, sluicePath: settings.sluicePath)
        let plain = try RunningAgent(sluicePath: settings.sluicePath, environment: environment)
        let secure = try RunningAgent(sluicePath: settings.sluicePath, environment: environment, certificate: certificate)
        let wsBulk = try forward(to: services.bulk.port, through: plain)
        let wssBulk = try forward(to: services.bulk.port, through: secure, caFile: certificate.certificatePath)
        let wsEcho = try forward(to: services.echo.port, through: plain)
        let wsEchoWithoutPool = try forward(to: services.echo.port, through: plain, pool: 0)
        let bulkPorts: [Way: Int] = [.direct: services.bulk.port, .sshL: ssh.localBulkPort, .ws: wsBulk.localPort, .wss: wssBulk.localPort]
        let echoPorts: [Way: Int] = [.direct: services.echo.port, .sshL: ssh.localEchoPort, .ws: wsEcho.localPort, .wsWithoutPool: wsEchoWithoutPool.localPort]
        // The agent serves every port-forward of its scheme, so its CPU
        // during a transfer is that transfer's; sshd's session processes
        // are its counterpart.
        let sshUsage = ssh.usage!
        let cpu: [Way: () -> EndsCPU] = [
            .sshL: { EndsCPU(client: sshUsage.cpuSeconds, server: server.connectionProcesses.reduce(0) { $0 + ProcessUsage(pid: $1).cpuSeconds }) },
            .ws: { EndsCPU(client: wsBulk.usage.cpuSeconds, server: plain.usage.cpuSeconds) },
            .wss: { EndsCPU(client: wssBulk.usage.cpuSeconds, server: secure.usage.cpuSeconds) },
        ]
        // Held to the end: every process here is stopped by its deinit.
        try withExtendedLifetime([ssh, plain, secure, wsBulk, wssBulk, wsEcho, wsEchoWithoutPool] as [AnyObject]) {
            try takeTurns(bulkPorts: bulkPorts, echoPorts: echoPorts, cpu: cpu)
        }
    }

    /// CPU seconds used so far by the two processes a forward goes through.
    private struct EndsCPU {
        var client: Double
        var server: Double
    }

    private func takeTurns(bulkPorts: [Way: Int], echoPorts: [Way: Int], cpu: [Way: () -> EndsCPU]) throws {
        var cpuUsed: [Way: Double] = [:]
        var moved: [Way: Double] = [:]
        for run in 0..<settings.runs {
            let name = "run \(run + 1)/\(settings.runs)"
            for way in [Way.direct, .sshL, .ws, .wss].rotated(by: run) {
                for direction in TunnelBench.Direction.allCases {
                    let before = cpu[way]?()
                    let machineBefore = MachineCPU.busySeconds
                    let seconds = direction == .upload
                        ? try LoadClient.upload(port: bulkPorts[way]!, bytes: settings.transferBytes)
                        : try LoadClient.download(port: bulkPorts[way]!, bytes: settings.transferBytes)
                    let rate = Double(settings.transferBytes) / seconds / 1e6
                    throughput[direction, default: [:]][way, default: []].append(rate)
                    var cpuText = ""
                    if let machineBefore, let machineAfter = MachineCPU.busySeconds {
                        let machine = (machineAfter - machineBefore) / (Double(settings.transferBytes) / Double(1 << 30))
                        machineCPUPerGiB[direction, default: [:]][way, default: []].append(machine)
                        cpuText = String(format: ", machine CPU per GiB %.2f s", machine)
                    }
                    if let before, let after = cpu[way]?() {
                        let gibibytes = Double(settings.transferBytes) / Double(1 << 30)
                        let (client, server) = (after.client - before.client, after.server - before.server)
                        cpuUsed[way, default: 0] += client + server
                        moved[way, default: 0] += Double(settings.transferBytes)
                        cpuText += String(format: ", CPU per GiB: client %.2f s, server side %.2f s", client / gibibytes, server / gibibytes)
                    }
                    Progress.say("\(name) \(way.rawValue)\(way == .sshL ? " (\(cipher))" : "") \(direction.rawValue): \(String(format: "%.0f", rate)) MB/s\(cpuText)")
                }
            }
            for way in [Way.direct, .sshL, .ws, .wsWithoutPool].rotated(by: run) {
                let samples = try LoadClient.roundTrips(port: echoPorts[way]!, count: settings.roundTrips)
                latencyP50[way, default: []].append(Statistics.percentile(samples, 50) * 1e6)
                latencyP99[way, default: []].append(Statistics.percentile(samples, 99) * 1e6)
                Progress.say("\(name) \(way.rawValue) connect + 1-byte echo: p50 \(Int(Statistics.percentile(samples, 50) * 1e6)) µs, p99 \(Int(Statistics.percentile(samples, 99) * 1e6)) µs")
            }
            for way in [Way.direct, .sshL, .ws].rotated(by: run) {
                let outcome = ConcurrentEcho(port: echoPorts[way]!, connections: settings.connections, bytes: settings.connectionBytes).run()
                concurrentSucceeded[way, default: []].append(Double(outcome.succeeded))
                concurrentSeconds[way, default: []].append(outcome.seconds)
                Progress.say("\(name) \(way.rawValue) \(settings.connections) concurrent: \(outcome.succeeded) succeeded in \(String(format: "%.2f", outcome.seconds)) s"
                    + (outcome.firstFailure.map { " (first failure: \($0))" } ?? ""))
            }
        }
        for (way, seconds) in cpuUsed {
            cpuPerGiB[way] = seconds / (moved[way]! / Double(1 << 30))
        }
    }

    /// What a crowd of open streams costs, apart from everything else:
    /// each run starts ssh -L, and an agent with a port-forward in front,
    /// afresh; sends `connections` concurrent connections of
    /// `connectionBytes` each way through, and with all of them still open
    /// reads the resident memory (VmRSS) of both ends.
    private func measureCrowdMemory(server: SSHServer, home: ClientHome) throws {
        for run in 0..<settings.runs {
            for way in [Way.sshL, .ws].rotated(by: run) {
                let reading: CrowdReading
                if way == .sshL {
                    let ssh = try Tunnel(.openSSH, server: server, home: home, cipher: cipher, services: services, sluicePath: settings.sluicePath)
                    // The session's sshd processes are the agent's counterpart.
                    reading = withExtendedLifetime(ssh) {
                        crowd(port: ssh.localEchoPort, client: ssh.usage!) { server.connectionProcesses.reduce(0) { $0 + ProcessUsage(pid: $1).residentBytes } }
                    }
                    ssh.stop()
                } else {
                    let agent = try RunningAgent(sluicePath: settings.sluicePath, environment: environment)
                    let forward = try forward(to: services.echo.port, through: agent)
                    idleServerResident[way, default: []].append(Double(agent.usage.residentBytes))
                    reading = withExtendedLifetime((agent, forward)) {
                        crowd(port: forward.localPort, client: forward.usage) { agent.usage.residentBytes }
                    }
                }
                crowdClientResident[way, default: []].append(Double(reading.clientBytes))
                crowdServerResident[way, default: []].append(Double(reading.serverBytes))
                crowdHeld[way, default: []].append(Double(reading.outcome.succeeded))
                Progress.say("run \(run + 1)/\(settings.runs) \(way.rawValue) fresh, \(reading.outcome.succeeded) of \(settings.connections) open: "
                    + "client RSS \(String(format: "%.1f", Double(reading.clientBytes) / 1_048_576)) MiB, server side \(String(format: "%.1f", Double(reading.serverBytes) / 1_048_576)) MiB"
                    + (reading.outcome.firstFailure.map { " (first failure: \($0))" } ?? ""))
            }
        }
    }

    private struct CrowdReading {
        var outcome: ConcurrentEcho.Outcome
        var clientBytes = 0
        var serverBytes = 0
    }

    private func crowd(port: Int, client: ProcessUsage, serverBytes: () -> Int) -> CrowdReading {
        var clientBytes = 0, serverSide = 0
        // In waves of 100, 50 ms apart, as TunnelBench's crowd: ssh accepts
        // from a queue of 128, and a burst would leave it holding fewer
        // streams than the agent.
        let outcome = ConcurrentEcho(port: port, connections: settings.connections, bytes: settings.connectionBytes, wave: 100).run {
            clientBytes = client.residentBytes
            serverSide = serverBytes()
        }
        return CrowdReading(outcome: outcome, clientBytes: clientBytes, serverBytes: serverSide)
    }
}
