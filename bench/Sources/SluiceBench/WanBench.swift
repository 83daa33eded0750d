import Foundation
import SluiceTestSupport

/// Throughput on long links: OpenSSH and Sluice through the same
/// `DelayLine` at each round trip, one stream and several in parallel, -L
/// and -R both ways. On such links a forward is bound by its channel
/// windows (at most one window per round trip), not by the cipher.
final class WanBench {
    struct Settings {
        var runs: Int
        var roundTrips: [Double]
        var streamBytes: Int
        var parallelStreams: Int
        var sluicePath: String
        /// Added to the environment of every `sluice` the bench starts.
        var sluiceEnvironment: [String: String] = [:]
    }

    struct Key: Hashable, Comparable {
        var roundTrip: Double
        var path: TunnelBench.Path
        var direction: TunnelBench.Direction
        var streams: Int

        static func < (a: Key, b: Key) -> Bool {
            (a.roundTrip, a.path.rawValue, a.direction.rawValue, a.streams) < (b.roundTrip, b.path.rawValue, b.direction.rawValue, b.streams)
        }

        var label: String {
            "\(Int(roundTrip)) ms: \(path.rawValue) \(direction.rawValue), \(streams == 1 ? "1 stream" : "\(streams) streams")"
        }
    }

    let settings: Settings
    let services: Services
    private(set) var throughput: [Key: TunnelBench.Samples] = [:]

    init(settings: Settings, services: Services) {
        self.settings = settings
        self.services = services
    }

    func measure() throws {
        let server = try SSHServer()
        let home = try ClientHome(trusting: server)
        for roundTrip in settings.roundTrips {
            let line = try DelayLine(to: server.port, roundTripMilliseconds: roundTrip)
            // The tools reach the server at the line's port: its key is
            // known there too.
            let knownHosts = try String(contentsOfFile: home.knownHostsPath, encoding: .utf8)
            try home.directory.write(".ssh/known_hosts", knownHosts + server.knownHostsLine.replacingOccurrences(of: "]:\(server.port) ", with: "]:\(line.port) ") + "\n")
            let tunnels = [
                try Tunnel(.openSSH, server: server, home: home, cipher: nil, services: services, sluicePath: settings.sluicePath, sluiceEnvironment: settings.sluiceEnvironment, sshPort: line.port),
                try Tunnel(.sluice, server: server, home: home, cipher: nil, services: services, sluicePath: settings.sluicePath, sluiceEnvironment: settings.sluiceEnvironment, sshPort: line.port),
            ]
            for run in 0..<settings.runs {
                for tunnel in tunnels.rotated(by: run) {
                    for path in TunnelBench.Path.allCases {
                        for direction in TunnelBench.Direction.allCases {
                            for streams in [1, settings.parallelStreams] {
                                let key = Key(roundTrip: roundTrip, path: path, direction: direction, streams: streams)
                                let port = path == .local ? tunnel.localBulkPort : tunnel.reverseBulkPort
                                let rate = try Self.transfer(port: port, direction: direction, bytes: settings.streamBytes, streams: streams)
                                throughput[key, default: [:]][tunnel.kind, default: []].append(rate)
                                Progress.say("run \(run + 1)/\(settings.runs) delay line \(key.label), \(tunnel.kind.rawValue): \(String(format: "%.1f", rate)) MB/s")
                            }
                        }
                    }
                }
            }
            tunnels.forEach { $0.stop() }
        }
    }

    /// MB/s of `bytes` moved as `streams` connections at once, each a share.
    private static func transfer(port: Int, direction: TunnelBench.Direction, bytes: Int, streams: Int) throws -> Double {
        let share = bytes / streams
        let failures = FailureList()
        let started = Clock.now
        // A thread each: concurrentPerform would run only as many at once
        // as there are cores.
        let done = DispatchGroup()
        for _ in 0..<streams {
            done.enter()
            Thread {
                do {
                    _ = direction == .upload ? try LoadClient.upload(port: port, bytes: share) : try LoadClient.download(port: port, bytes: share)
                } catch {
                    failures.add("\(error)")
                }
                done.leave()
            }.start()
        }
        done.wait()
        let seconds = Clock.now - started
        if let first = failures.first { throw BenchError("delay line transfer failed: \(first)") }
        return Double(share * streams) / seconds / 1e6
    }

    private final class FailureList: @unchecked Sendable {
        private let lock = NSLock()
        private var failures: [String] = []

        func add(_ failure: String) {
            lock.withLock { failures.append(failure) }
        }

        var first: String? { lock.withLock { failures.first } }
    }
}
