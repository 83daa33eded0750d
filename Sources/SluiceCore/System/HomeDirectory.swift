import Foundation

/// The user's home: `$HOME`, or the passwd entry when HOME is unset. Sluice
/// follows HOME (unlike libssh and OpenSSH, which ask passwd first) so that
/// setting HOME isolates everything it reads and writes.
public enum HomeDirectory {
    public static func path(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let home = environment["HOME"], !home.isEmpty { return home }
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        if getpwuid_r(getuid(), &entry, &buffer, buffer.count, &result) == 0, let result, let dir = result.pointee.pw_dir {
            return String(cString: dir)
        }
        return "/"
    }

    /// Expands a leading `~` or `~/`.
    public static func expandingTilde(_ path: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if path == "~" { return self.path(environment: environment) }
        if path.hasPrefix("~/") { return self.path(environment: environment) + path.dropFirst() }
        return path
    }
}
