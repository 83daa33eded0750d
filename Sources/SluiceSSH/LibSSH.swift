import CLibSSH

/// Facts about the libssh this binary runs against.
public enum LibSSH {
    /// The version of the loaded libssh, e.g. "0.10.6/openssl/zlib"; it can
    /// differ from the headers Sluice was built with, so it is asked at run time.
    public static var runtimeVersion: String {
        guard let version = ssh_version(0) else { return "unknown" }
        return String(cString: version)
    }
}
