import Foundation
import SluiceTestSupport

/// The delay-line figures as a chart: MB/s against round trip, one line
/// per tool and transfer, one stream. Drawn by gnuplot (gnuplot-nox), run
/// with an argv and a script on stdin; no shell sees a path.
enum WanChart {
    static func write(_ wan: WanBench, to path: String) throws {
        let folder = try TemporaryDirectory(prefix: "sluice-bench-chart")
        let series: [(title: String, kind: Tunnel.Kind, path: TunnelBench.Path, direction: TunnelBench.Direction)] = [
            ("Sluice -L download", .sluice, .local, .download), ("OpenSSH -L download", .openSSH, .local, .download),
            ("Sluice -L upload", .sluice, .local, .upload), ("OpenSSH -L upload", .openSSH, .local, .upload),
        ]
        var plots: [String] = []
        for (index, line) in series.enumerated() {
            let points = wan.throughput.keys
                .filter { $0.path == line.path && $0.direction == line.direction && $0.streams == 1 }
                .sorted()
                .compactMap { key in wan.throughput[key]?[line.kind].map { "\(Int(key.roundTrip)) \(Statistics.median($0))" } }
            let file = try folder.write("series\(index).dat", points.joined(separator: "\n") + "\n")
            let style = line.kind == .sluice ? "lw 3" : "lw 2 dt 2"
            plots.append("'\(file)' using 1:2 with linespoints \(style) title '\(line.title)'")
        }
        let script = """
            set terminal pngcairo size 900,520 font 'DejaVu Sans,11'
            set output '\(path)'
            set title 'One -L stream through a delay line: throughput against round trip'
            set xlabel 'round trip (ms)'
            set ylabel 'MB/s'
            set logscale y
            set grid
            set key top right
            plot \(plots.joined(separator: ", "))

            """
        let scriptFile = try folder.write("chart.gp", script)
        let result = try Command("/usr/bin/gnuplot", [scriptFile]).run()
        guard result.status == 0 else { throw BenchError("gnuplot could not draw the chart: \(result.stderr)") }
    }
}
