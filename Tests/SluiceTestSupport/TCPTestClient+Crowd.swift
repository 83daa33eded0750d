import Foundation

extension TCPTestClient {
    /// `count` connections to `port`, all opened first, then all echoing
    /// `bytes` at once, each with its own seed (`seed + index`): the
    /// indexes of those that could not connect or did not come back
    /// byte-exact within `timeout`.
    public static func echoAtOnce(port: Int, count: Int, bytes: Int, seed: UInt64, timeout: TimeInterval = 300) -> [Int] {
        let fds = (0..<count).map { _ in connect(port: port, timeout: 120) }
        defer { fds.filter { $0 >= 0 }.forEach { close($0) } }
        let results = CrowdResults()
        let done = DispatchGroup()
        for (index, fd) in fds.enumerated() where fd >= 0 {
            done.enter()
            Thread {
                results.set(index, echo(fd: fd, bytes: bytes, seed: seed + UInt64(index)))
                done.leave()
            }.start()
        }
        _ = done.wait(timeout: .now() + timeout)
        return results.inexact(of: count)
    }
}

/// The outcome of each of many echo connections, filled from their threads.
private final class CrowdResults: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Int: TCPTestClient.EchoResult] = [:]

    func set(_ index: Int, _ result: TCPTestClient.EchoResult) {
        lock.lock()
        results[index] = result
        lock.unlock()
    }

    /// The indexes of connections that did not come back exact (or at all).
    func inexact(of count: Int) -> [Int] {
        lock.lock()
        defer { lock.unlock() }
        return (0..<count).filter { results[$0]?.exact != true }
    }
}
