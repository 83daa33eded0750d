import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

/// `sluice up` stopped for a while (SIGSTOP: what a laptop's sleep looks
/// like to the process), then continued.
@Suite struct StoppedProcessTests {
    /// While Sluice was stopped its link died without a word: the server's
    /// end hangs (its session process is stopped too, as behind a NAT that
    /// forgot the connection). With the default keepalive (5 s x 3) the
    /// loss would take 20 s to notice; on waking Sluice probes at once,
    /// gives the link 3 s, and reconnects: the forward works again within
    /// 5 s of SIGCONT.
    @Test func forwardsWorkWithinFiveSecondsOfSIGCONT() throws {
        let sshd = try SSHServer()
        let home = try ClientHome(trusting: sshd)
        let logs = try TemporaryDirectory()
        let echo = try TCPTestServer(mode: .echo)
        let port = try LoopbackPort.free()
        let store = Store(path: home.directory.file("store.json"))
        try store.update { document in
            try document.addServer(Server(name: "db", destination: try Destination(parsing: "\(CurrentUser.name)@127.0.0.1:\(sshd.port)")))
            try document.addForward(try ForwardSpec(parsing: "\(port):127.0.0.1:\(echo.port)", kind: .local), to: "db", name: "echo")
        }
        let sluice = try ChildProcess(SluiceBinary.path, ["up"],
                                      environment: home.environment.merging(["SLUICE_STORE": home.directory.file("store.json")]) { $1 },
                                      stdout: logs.file("stdout"), stderr: logs.file("stderr"))
        defer {
            sluice.signal(SIGCONT)
            sluice.signal(SIGKILL)
            sluice.wait()
        }
        var stderr: String { (try? logs.read("stderr")) ?? "" }
        #expect(logs.waitUntil("stderr", contains: "Forwarding 127.0.0.1:\(port) -> 127.0.0.1:\(echo.port) via db\n"), "\(stderr)")
        #expect(TCPTestClient.echo(port: port, bytes: 10_000, seed: 1).exact, "\(stderr)")

        sluice.signal(SIGSTOP)
        let lost = sshd.connectionProcesses
        for pid in lost { kill(pid, SIGSTOP) }
        defer { for pid in lost { kill(pid, SIGKILL) } }
        sleep(25)
        sluice.signal(SIGCONT)
        let continued = Date()
        var worked = false
        while !worked && Date().timeIntervalSince(continued) < 30 {
            worked = TCPTestClient.echo(port: port, bytes: 10_000, seed: 2, timeout: 10).exact
            if !worked { usleep(100_000) }
        }
        let usableAfter = Date().timeIntervalSince(continued)
        print("forward usable again \(String(format: "%.2f", usableAfter)) s after SIGCONT")
        #expect(worked, "\(stderr)")
        #expect(usableAfter < 5, "usable only \(usableAfter) s after SIGCONT\n\(stderr)")
    }
}
