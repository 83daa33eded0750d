import Foundation

/// An SSH server that asks one keyboard-interactive question and refuses
/// every answer, with a name, instruction and question the test chooses
/// (escape sequences included): Debian's python3-paramiko, a real SSH
/// implementation, since OpenSSH's sshd takes its questions from PAM.
///
/// It listens on a loopback port of its own choosing and is stopped by pid
/// when released.
public final class KeyboardInteractiveServer: @unchecked Sendable {
    /// Debian's python, which has python3-paramiko; the `python3` first on
    /// PATH may be another one without it.
    public static let python = "/usr/bin/python3"

    public let port: Int
    /// `[127.0.0.1]:PORT ssh-ed25519 AAAA...`, the line a known_hosts file needs.
    public let knownHostsLine: String
    private let directory: TemporaryDirectory
    private let process: ChildProcess

    public init(name: String, instruction: String, question: String) throws {
        directory = try TemporaryDirectory(prefix: "sluice-kbdint")
        let hostKey = directory.file("hostkey")
        let keygen = try Command("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "sluice-test", "-f", hostKey]).run()
        guard keygen.status == 0 else { throw TestSupportError("ssh-keygen failed: \(keygen.stderr)") }
        let script = try directory.write("server.py", Self.script)
        process = try ChildProcess(Self.python, [script, hostKey, directory.file("port"), directory.file("answers"), name, instruction, question],
                                   stderr: directory.file("server.log"))
        ServerRecord.note(pid: process.pid, marker: directory.path)
        let deadline = Date().addingTimeInterval(20)
        var port: Int?
        while port == nil && process.isRunning && Date() < deadline {
            port = (try? directory.read("port")).flatMap { Int($0) }
            if port == nil { usleep(20_000) }
        }
        guard let port else {
            process.signal(SIGKILL)
            process.wait()
            let log = (try? directory.read("server.log")) ?? ""
            throw TestSupportError("the paramiko server did not start (is python3-paramiko installed? make test installs it):\n\(log)")
        }
        self.port = port
        let hostPublic = try String(contentsOfFile: hostKey + ".pub", encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
        knownHostsLine = "[127.0.0.1]:\(port) \(hostPublic)"
    }

    deinit {
        process.signal(SIGTERM)
        process.wait()
    }

    /// The answers received, one line each.
    public var answers: [String] {
        ((try? directory.read("answers")) ?? "").split(separator: "\n").map(String.init)
    }

    public var log: String { (try? directory.read("server.log")) ?? "" }

    /// Writes its port to a file once it listens (renamed into place, so a
    /// half-written number is never read).
    private static let script = #"""
        import os, socket, sys, threading
        import paramiko

        host_key = paramiko.Ed25519Key(filename=sys.argv[1])
        port_file, answers_file, name, instruction, question = sys.argv[2:7]

        class Server(paramiko.ServerInterface):
            def get_allowed_auths(self, username):
                return "keyboard-interactive"

            def check_auth_interactive(self, username, submethods):
                return paramiko.InteractiveQuery(name, instruction, (question, False))

            def check_auth_interactive_response(self, responses):
                with open(answers_file, "a") as answers:
                    answers.write("".join(response + "\n" for response in responses))
                return paramiko.AUTH_FAILED

        def serve(connection):
            transport = paramiko.Transport(connection)
            transport.add_server_key(host_key)
            try:
                transport.start_server(server=Server())
                transport.join()
            except Exception:
                pass
            finally:
                transport.close()

        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        with open(port_file + ".new", "w") as written:
            written.write(str(listener.getsockname()[1]))
        os.rename(port_file + ".new", port_file)
        while True:
            connection, _ = listener.accept()
            threading.Thread(target=serve, args=(connection,), daemon=True).start()
        """#
}
