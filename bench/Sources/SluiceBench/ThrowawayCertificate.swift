import Foundation
import SluiceTestSupport

/// A self-signed certificate for 127.0.0.1, made by openssl for one run:
/// the agent serves wss:// with it and the client trusts it by --ca-file,
/// as a private deployment without a public CA would.
final class ThrowawayCertificate {
    let certificatePath: String
    let keyPath: String
    private let folder: TemporaryDirectory

    init() throws {
        folder = try TemporaryDirectory(prefix: "sluice-bench-tls")
        certificatePath = folder.file("agent.pem")
        keyPath = folder.file("agent.key")
        // P-256, as the tests use: what a current deployment would pick,
        // and the handshake cost stays in the latency figures' noise.
        let made = try Command("/usr/bin/openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                                                    "-keyout", keyPath, "-out", certificatePath, "-days", "2", "-subj", "/CN=127.0.0.1",
                                                    "-addext", "subjectAltName=IP:127.0.0.1"]).run()
        guard made.status == 0 else { throw BenchError("openssl could not make a certificate: \(made.stderr)") }
    }
}
