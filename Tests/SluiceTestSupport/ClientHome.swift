import Foundation

/// An isolated HOME for a client of an `SSHServer`: `~/.ssh/id_ed25519` is
/// the key the server accepts and `~/.ssh/known_hosts` trusts its host key,
/// unless the test asks for an empty one.
public final class ClientHome: @unchecked Sendable {
    public let directory: TemporaryDirectory
    public var path: String { directory.path }
    public var identityPath: String { directory.file(".ssh/id_ed25519") }
    public var knownHostsPath: String { directory.file(".ssh/known_hosts") }

    public init(trusting server: SSHServer?, knowsHost: Bool = true) throws {
        directory = try TemporaryDirectory(prefix: "sluice-home")
        try FileManager.default.createDirectory(atPath: directory.file(".ssh"), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        if let server {
            try FileManager.default.copyItem(atPath: server.userKeyPath, toPath: identityPath)
            try FileManager.default.copyItem(atPath: server.userKeyPath + ".pub", toPath: identityPath + ".pub")
            chmod(identityPath, 0o600)
        }
        try directory.write(".ssh/known_hosts", knowsHost && server != nil ? server!.knownHostsLine + "\n" : "")
        try FileManager.default.createDirectory(atPath: runtimeDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    /// This home's XDG_RUNTIME_DIR, where engines put their control sockets.
    public var runtimeDirectory: String { directory.file("run") }

    /// An environment for a child process with HOME here and no agent, so
    /// nothing of the real user's setup leaks in.
    public var environment: [String: String] {
        [
            "HOME": path,
            "XDG_RUNTIME_DIR": runtimeDirectory,
            "PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
            "LANG": "C.UTF-8",
        ]
    }

    /// Arguments that make the system `ssh` use this home's key and
    /// known_hosts: OpenSSH takes `~` from the passwd entry, not from HOME.
    public func sshArguments(for server: SSHServer) -> [String] {
        [
            "-F", "/dev/null",
            "-i", identityPath,
            "-o", "UserKnownHostsFile=\(knownHostsPath)",
            "-o", "StrictHostKeyChecking=yes",
            "-o", "BatchMode=yes",
            "-o", "ConnectTimeout=5",
            "-p", String(server.port),
        ]
    }
}
