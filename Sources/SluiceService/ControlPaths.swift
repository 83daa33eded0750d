import Foundation
import SluiceCore

/// Where the engine for one store keeps its control socket, its lock and
/// its log. The socket's folder is private to the user (0700); its name
/// comes from the store's real path, so every way of naming one store
/// (relative, through a symlink) reaches the same engine.
public struct ControlPaths: Sendable, Equatable {
    /// The store, as an absolute path with symlinks resolved.
    public let store: String
    public let folder: String
    public let socket: String
    public let lock: String
    public let log: String

    public init(store: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.store = Self.canonical(store)
        let key = Self.key(for: self.store)
        // The XDG spec: a relative XDG_RUNTIME_DIR is invalid, ignore it.
        if let runtime = environment["XDG_RUNTIME_DIR"], runtime.hasPrefix("/") {
            folder = runtime + "/sluice"
        } else {
            folder = "/tmp/sluice-\(getuid())"
        }
        socket = folder + "/engine-\(key).sock"
        lock = folder + "/engine-\(key).lock"
        let state: String
        if let configured = environment["XDG_STATE_HOME"], configured.hasPrefix("/") {
            state = configured + "/sluice"
        } else {
            state = HomeDirectory.path(environment: environment) + "/.local/state/sluice"
        }
        let isDefaultStore = self.store == Self.canonical(Store.defaultPath(explicit: nil, environment: environment.filter { $0.key != "SLUICE_STORE" }))
        log = state + (isDefaultStore ? "/engine.log" : "/engine-\(key).log")
    }

    /// Makes the socket's folder if needed and checks that it is a folder of
    /// this user's that nobody else can enter: /tmp is shared, and a folder
    /// made there by someone else could hand them the socket.
    public func prepareFolder() throws(ControlError) {
        if mkdir(folder, 0o700) != 0 && errno != EEXIST {
            throw .folderUnusable(path: folder, reason: String(cString: strerror(errno)))
        }
        var info = stat()
        guard lstat(folder, &info) == 0 else {
            throw .folderUnusable(path: folder, reason: String(cString: strerror(errno)))
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw .folderUnusable(path: folder, reason: "it is not a folder")
        }
        guard info.st_uid == getuid() else {
            throw .folderUnusable(path: folder, reason: "it belongs to user id \(info.st_uid), not to you")
        }
        if info.st_mode & 0o077 != 0 && chmod(folder, 0o700) != 0 {
            throw .folderUnusable(path: folder, reason: "others may enter it and it cannot be made private: \(String(cString: strerror(errno)))")
        }
    }

    /// The path made absolute with symlinks resolved as far as it exists
    /// (the store itself may not exist yet).
    static func canonical(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        if let resolved = realpath(absolute, nil) {
            defer { free(resolved) }
            return String(cString: resolved)
        }
        let folder = (absolute as NSString).deletingLastPathComponent
        let name = (absolute as NSString).lastPathComponent
        guard folder != absolute, !folder.isEmpty else { return absolute }
        return (canonical(folder) as NSString).appendingPathComponent(name)
    }

    /// 64-bit FNV-1a of the path, in hex: short enough for a socket path
    /// (108 bytes at most), and a clash is caught by the hello, which names
    /// the store.
    static func key(for path: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in path.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
