import ArgumentParser
import Foundation
import SluiceTestSupport

/// `make bench`: Sluice beside OpenSSH and the direct path, on loopback
/// against one private sshd, printed as one table.
@main
struct SluiceBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sluice-bench",
        abstract: "Measure Sluice beside OpenSSH on loopback and print one table (medians of interleaved runs).")

    static let defaultCiphers = ["aes128-gcm@openssh.com", "chacha20-poly1305@openssh.com"]

    @Option(help: "The sluice binary to measure.") var sluice = ".build/release/sluice"
    @Option(name: .customLong("sluice-env"), help: ArgumentHelp("Set NAME=VALUE in the environment of every sluice the bench starts (repeatable), e.g. SLUICE_READ_AHEAD=0.", valueName: "NAME=VALUE"))
    var sluiceEnvironment: [String] = []
    @Option(help: "Runs per figure; the table shows medians.") var runs = 5
    @Option(help: "MiB per throughput transfer.") var mebibytes = 1024
    @Option(name: .customLong("round-trips"), help: "Sequential connect + 1-byte echo round trips per run.") var roundTrips = 2000
    @Option(help: "Concurrent connections per run.") var connections = 1000
    @Option(name: .customLong("connection-kib"), help: "KiB each concurrent connection sends and gets back.") var connectionKiB = 64
    @Option(help: "Sequential SOCKS5 page fetches per run.") var fetches = 500
    @Option(name: .customLong("idle-seconds"), help: "Seconds the idle CPU is measured over.") var idleSeconds = 10.0
    @Option(help: "Also write the table to this file.") var output: String?
    @Option(name: .customLong("wan-round-trips"), help: ArgumentHelp("Round trips of the delay line, in ms, comma-separated.", valueName: "ms"))
    var wanRoundTrips = "0,20,50,100"
    @Option(name: .customLong("wan-mebibytes"), help: "MiB per delay-line transfer (split among the parallel streams).") var wanMebibytes = 64
    @Option(name: .customLong("wan-runs"), help: "Runs per delay-line figure.") var wanRuns = 3
    @Option(name: .customLong("wan-chart"), help: "Where the delay-line chart (PNG, by gnuplot) goes.") var wanChart = "bench/results/wan.png"
    @Option(help: ArgumentHelp("Only these parts, comma-separated: throughput, connections, agent, screen, engine, wan.", valueName: "parts"))
    var only: String = Part.allCases.map(\.rawValue).joined(separator: ",")
    @Option(help: ArgumentHelp("Ciphers for the throughput runs, comma-separated; the first also carries the connection runs and ssh -L beside the agent.", valueName: "ciphers"))
    var ciphers: String = Self.defaultCiphers.joined(separator: ",")

    enum Part: String, CaseIterable {
        case throughput, connections, agent, screen, engine, wan
    }

    private var environmentSettings: [String: String] {
        Dictionary(sluiceEnvironment.map { setting in
            let equals = setting.firstIndex(of: "=")!
            return (String(setting[..<equals]), String(setting[setting.index(after: equals)...]))
        }, uniquingKeysWith: { $1 })
    }

    private var parts: Set<Part> { Set(only.split(separator: ",").compactMap { Part(rawValue: String($0)) }) }
    private var cipherList: [String] { ciphers.split(separator: ",").map(String.init) }

    func validate() throws {
        guard FileManager.default.isExecutableFile(atPath: sluice) else {
            throw ValidationError("no sluice binary at \(sluice); build it first (make release)")
        }
        guard runs >= 1, mebibytes >= 1, roundTrips >= 1, connections >= 1, connectionKiB >= 1, fetches >= 1, idleSeconds > 0 else {
            throw ValidationError("counts and sizes must be at least 1")
        }
        for part in only.split(separator: ",") where Part(rawValue: String(part)) == nil {
            throw ValidationError("unknown part '\(part)' for --only; the parts are \(Part.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        for setting in sluiceEnvironment where !setting.contains("=") || setting.hasPrefix("=") {
            throw ValidationError("--sluice-env takes NAME=VALUE, not '\(setting)'")
        }
        guard !cipherList.isEmpty else { throw ValidationError("--ciphers needs at least one cipher") }
    }

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        let started = Clock.now
        let machine = MachineDescription.text
        Progress.say("Measuring on \(machine)")
        let services = try Services()
        let settings = TunnelBench.Settings(
            runs: runs, transferBytes: mebibytes << 20, roundTrips: roundTrips, connections: connections,
            connectionBytes: connectionKiB << 10, fetches: fetches, sluicePath: sluice, sluiceEnvironment: environmentSettings)
        let tunnels = TunnelBench(settings: settings, services: services)
        for (index, cipher) in cipherList.enumerated() where parts.contains(.throughput) || (index == 0 && parts.contains(.connections)) {
            try tunnels.measure(cipher: cipher, throughput: parts.contains(.throughput), connections: index == 0 && parts.contains(.connections))
        }

        var agent: AgentBench?
        if parts.contains(.agent) {
            agent = AgentBench(settings: settings, services: services, cipher: cipherList[0])
            try agent!.measure()
        }

        var firstFrames: [Double] = []
        var idle: [Tunnel.Kind: Double] = [:]
        if parts.contains(.screen) {
            (firstFrames, idle) = try measureScreen(services: services)
        }
        var engine = EngineBench.Latencies()
        if parts.contains(.engine) {
            let server = try SSHServer()
            let home = try ClientHome(trusting: server)
            engine = try EngineBench.latencies(sluicePath: sluice, server: server, home: home, echoPort: services.echo.port)
            Progress.say("store change to listener: p50 \(String(format: "%.1f", Statistics.median(engine.storeToListener))) ms, p99 \(String(format: "%.1f", Statistics.percentile(engine.storeToListener, 99))) ms; status --json p50 \(String(format: "%.1f", Statistics.median(engine.statusRoundTrip))) ms")
        }
        var rows = Self.rows(tunnels, settings: settings, ciphers: cipherList, firstFrames: firstFrames, idle: idle, idleSeconds: idleSeconds)
        rows += agent.map { Self.agentRows($0) } ?? []
        rows += Self.engineRows(engine)
        if parts.contains(.wan) {
            let wan = WanBench(settings: WanBench.Settings(
                runs: wanRuns, roundTrips: wanRoundTrips.split(separator: ",").compactMap { Double($0) }, streamBytes: wanMebibytes << 20,
                parallelStreams: 8, sluicePath: sluice, sluiceEnvironment: environmentSettings), services: services)
            try wan.measure()
            rows += Self.wanRows(wan)
            try WanChart.write(wan, to: wanChart)
            Progress.say("delay-line chart: \(wanChart)")
        }
        let report = """
            Machine: \(machine)
            Command: make bench (\(runs) interleaved runs, medians; \(mebibytes) MiB per transfer)\(sluiceEnvironment.isEmpty ? "" : ", sluice with " + sluiceEnvironment.joined(separator: " ")), \(Int((Clock.now - started) / 60)) min

            \(ReportTable(rows: rows).markdown)
            """
        print(report)
        if let output {
            try (report + "\n").write(toFile: output, atomically: true, encoding: .utf8)
        }
    }

    private func measureScreen(services: Services) throws -> (firstFrames: [Double], idle: [Tunnel.Kind: Double]) {
        var firstFrames: [Double] = []
        for run in 0..<runs {
            firstFrames.append(try ScreenBench.firstFrame(sluicePath: sluice) * 1000)
            Progress.say("run \(run + 1)/\(runs) screen first frame: \(String(format: "%.1f", firstFrames.last!)) ms")
        }
        let server = try SSHServer()
        let home = try ClientHome(trusting: server)
        let sluiceIdle = try ScreenBench.engineIdleCPU(sluicePath: sluice, server: server, home: home, echoPort: services.echo.port, seconds: idleSeconds) * 100
        let openSSHIdle = try ScreenBench.openSSHIdleCPU(server: server, home: home, echoPort: services.echo.port, seconds: idleSeconds) * 100
        Progress.say("idle CPU with 20 live forwards: Sluice engine \(String(format: "%.2f", sluiceIdle)) %, ssh -N \(String(format: "%.2f", openSSHIdle)) %")
        return (firstFrames, [.openSSH: openSSHIdle, .sluice: sluiceIdle])
    }

    /// The table's rows; parts that were not measured are left out.
    private static func rows(_ bench: TunnelBench, settings: TunnelBench.Settings, ciphers: [String], firstFrames: [Double], idle: [Tunnel.Kind: Double], idleSeconds: Double) -> [ReportRow] {
        let megabytes: (Double) -> String = { String(format: "%.0f MB/s", $0) }
        let microseconds: (Double) -> String = { String(format: "%.0f µs", $0) }
        var rows: [ReportRow] = []
        for path in TunnelBench.Path.allCases {
            for cipher in ciphers {
                for direction in TunnelBench.Direction.allCases {
                    let key = TunnelBench.throughputKey(path, direction, cipher)
                    rows.append(ReportRow(measure: "\(path.rawValue) \(direction.rawValue), \(cipher.split(separator: "@").first!)",
                                          samples: bench.throughput[key] ?? [:], format: megabytes, target: .ratioAtLeast(1)))
                }
            }
        }
        rows.append(ReportRow(measure: "connect + 1-byte echo, p50 (\(settings.roundTrips) sequential)", samples: bench.latencyP50,
                              format: microseconds, target: .ratioAtMost(1)))
        rows.append(ReportRow(measure: "connect + 1-byte echo, p99", samples: bench.latencyP99, format: microseconds, target: .none))
        rows.append(ReportRow(measure: "\(settings.connections) concurrent × \(settings.connectionBytes >> 10) KiB each way: succeeded (worst run)",
                              values: bench.concurrentSucceeded.mapValues { $0.min()! }, format: { String(Int($0)) },
                              target: .sluiceEquals(Double(settings.connections))))
        rows.append(ReportRow(measure: "\(settings.connections) concurrent: wall time", samples: bench.concurrentSeconds,
                              format: { String(format: "%.2f s", $0) }, target: .none))
        rows.append(ReportRow(measure: "SOCKS5: \(settings.fetches) sequential 16 KiB fetches (curl)", samples: bench.fetchesPerSecond,
                              format: { String(format: "%.0f /s", $0) }, target: .ratioAtLeast(1)))
        for cipher in ciphers {
            rows.append(ReportRow(measure: "client CPU per GiB moved, \(cipher.split(separator: "@").first!)", values: bench.cpuPerGiB[cipher] ?? [:],
                                  format: { String(format: "%.2f s", $0) }, target: .none))
        }
        rows.append(ReportRow(measure: "client peak RSS, whole run", values: bench.peakResident,
                              format: { String(format: "%.1f MiB", $0 / 1_048_576) }, target: .none))
        rows.append(ReportRow(measure: "client peak RSS, fresh, \(settings.connections) concurrent only", samples: bench.crowdResident,
                              format: { String(format: "%.1f MiB", $0 / 1_048_576) }, target: .ratioAtMost(1)))
        rows.append(ReportRow(measure: "  of which served (worst run)", values: bench.crowdSucceeded.mapValues { $0.min()! },
                              format: { String(Int($0)) }, target: .sluiceEquals(Double(settings.connections))))
        rows.append(ReportRow(measure: "screen: first frame attached to a running engine, 1,000 forwards on 100 servers", values: firstFrames.isEmpty ? [:] : [.sluice: Statistics.median(firstFrames)],
                              format: { String(format: "%.1f ms", $0) }, target: .sluiceBelow(50)))
        rows.append(ReportRow(measure: "idle CPU over \(Int(idleSeconds)) s, 20 live forwards (Sluice: the engine, no client; OpenSSH: ssh -N)", values: idle,
                              format: { String(format: "%.2f %%", $0) }, target: .sluiceBelow(0.2)))
        return rows.filter { !$0.values.isEmpty }
    }

    /// The agent's rows: the Sluice column is `sluice port-forward` through
    /// `sluice agent`, the OpenSSH column `ssh -L` (or, for memory, its
    /// counterpart named in the row), so the ratio is agent / ssh -L.
    private static func agentRows(_ bench: AgentBench) -> [ReportRow] {
        let settings = bench.settings
        let cipher = bench.cipher.split(separator: "@").first!
        let mebibytes: (Double) -> String = { String(format: "%.1f MiB", $0 / 1_048_576) }
        func beside(_ way: AgentBench.Way, _ samples: AgentBench.Samples, ssh: AgentBench.Way? = .sshL) -> [Tunnel.Kind: [Double]] {
            var columns: [Tunnel.Kind: [Double]] = [.sluice: samples[way] ?? []]
            if let direct = samples[.direct] { columns[.direct] = direct }
            if let ssh, let openSSH = samples[ssh] { columns[.openSSH] = openSSH }
            return columns
        }
        var rows: [ReportRow] = []
        for (way, target) in [(AgentBench.Way.ws, 2.0), (.wss, 1.0)] {
            for direction in TunnelBench.Direction.allCases {
                rows.append(ReportRow(measure: "\(way.rawValue) \(direction.rawValue) (OpenSSH: ssh -L, \(cipher))", samples: beside(way, bench.throughput[direction] ?? [:]),
                                      format: { String(format: "%.0f MB/s", $0) }, target: .ratioAtLeast(target)))
            }
            var cpu: [Tunnel.Kind: Double] = [:]
            cpu[.sluice] = bench.cpuPerGiB[way]
            cpu[.openSSH] = bench.cpuPerGiB[.sshL]
            rows.append(ReportRow(measure: "\(way.rawValue) CPU per GiB moved, both ends: port-forward + agent (OpenSSH: ssh + sshd, \(cipher))", values: cpu,
                                  format: { String(format: "%.2f s", $0) }, target: .none))
            for direction in TunnelBench.Direction.allCases {
                rows.append(ReportRow(measure: "\(way.rawValue) \(direction.rawValue): machine CPU per GiB moved, every process and the kernel",
                                      samples: beside(way, bench.machineCPUPerGiB[direction] ?? [:]), format: { String(format: "%.2f s", $0) }, target: .none))
            }
        }
        for way in [AgentBench.Way.ws, .wsWithoutPool] {
            let pool = way == .ws ? "pool on (default)" : "--pool 0"
            rows.append(ReportRow(measure: "agent ws:// \(pool): connect + 1-byte echo, p50 (\(settings.roundTrips) sequential)", samples: beside(way, bench.latencyP50),
                                  format: { String(format: "%.0f µs", $0) }, target: .none))
            rows.append(ReportRow(measure: "agent ws:// \(pool): connect + 1-byte echo, p99", samples: beside(way, bench.latencyP99),
                                  format: { String(format: "%.0f µs", $0) }, target: .none))
        }
        rows.append(ReportRow(measure: "agent ws://: \(settings.connections) concurrent × \(settings.connectionBytes >> 10) KiB each way: succeeded (worst run)",
                              values: beside(.ws, bench.concurrentSucceeded).mapValues { $0.min()! }, format: { String(Int($0)) },
                              target: .sluiceEquals(Double(settings.connections))))
        rows.append(ReportRow(measure: "agent ws://: \(settings.connections) concurrent: wall time", samples: beside(.ws, bench.concurrentSeconds),
                              format: { String(format: "%.2f s", $0) }, target: .none))
        rows.append(ReportRow(measure: "agent RSS, fresh, before any connection", samples: beside(.ws, bench.idleServerResident, ssh: nil),
                              format: mebibytes, target: .none))
        rows.append(ReportRow(measure: "agent RSS with \(settings.connections) streams open (OpenSSH: the session's sshd processes, summed)",
                              samples: beside(.ws, bench.crowdServerResident), format: mebibytes, target: .none))
        rows.append(ReportRow(measure: "port-forward RSS with \(settings.connections) connections open (OpenSSH: ssh -L)",
                              samples: beside(.ws, bench.crowdClientResident), format: mebibytes, target: .none))
        rows.append(ReportRow(measure: "  of which open when read (worst run)", values: beside(.ws, bench.crowdHeld).mapValues { $0.min()! },
                              format: { String(Int($0)) }, target: .sluiceEquals(Double(settings.connections))))
        return rows.filter { !$0.values.isEmpty }
    }

    private static func wanRows(_ wan: WanBench) -> [ReportRow] {
        wan.throughput.keys.sorted().map { key in
            ReportRow(measure: "delay line \(key.label)", samples: wan.throughput[key]!,
                      format: { String(format: "%.1f MB/s", $0) }, target: .none)
        }
    }

    private static func engineRows(_ engine: EngineBench.Latencies) -> [ReportRow] {
        guard !engine.storeToListener.isEmpty else { return [] }
        let milliseconds: (Double) -> String = { String(format: "%.1f ms", $0) }
        return [
            ReportRow(measure: "store change to listener bound or closed, p50 (\(engine.storeToListener.count) changes)",
                      values: [.sluice: Statistics.median(engine.storeToListener)], format: milliseconds, target: .none),
            ReportRow(measure: "store change to listener bound or closed, p99",
                      values: [.sluice: Statistics.percentile(engine.storeToListener, 99)], format: milliseconds, target: .sluiceBelow(200)),
            ReportRow(measure: "sluice status --json, whole command, p50 (\(engine.statusRoundTrip.count) calls)",
                      values: [.sluice: Statistics.median(engine.statusRoundTrip)], format: milliseconds, target: .sluiceBelow(20)),
        ]
    }
}
