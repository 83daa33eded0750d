import Foundation
import SluiceTestSupport

/// Sequential HTTP fetches with a real client, curl: one curl process
/// fetches the page `count` times, each on a new connection (the server
/// closes every one), through SOCKS5 when a port is given.
enum PageFetches {
    /// Seconds for all fetches; throws unless every one returned the whole page.
    static func run(count: Int, url: String, socksPort: Int?) throws -> Double {
        var arguments = ["-s", "-w", "%{http_code} %{size_download}\\n"]
        if let socksPort {
            // Host names resolved by the far side, as browsers use -D.
            arguments += ["--socks5-hostname", "127.0.0.1:\(socksPort)"]
        } else {
            arguments += ["--noproxy", "*"]
        }
        for _ in 0..<count {
            arguments += ["-o", "/dev/null", url]
        }
        let started = Clock.now
        let result = try Command("/usr/bin/curl", arguments, environment: ["PATH": "/usr/bin:/bin"], timeout: 300).run()
        let seconds = Clock.now - started
        let complete = result.stdout.split(separator: "\n").filter { $0 == "200 \(PageServer.pageSize)" }.count
        guard result.status == 0, complete == count else {
            throw BenchError("curl fetched \(complete) of \(count) pages whole (exit \(result.status)): \(result.stderr)")
        }
        return seconds
    }
}
