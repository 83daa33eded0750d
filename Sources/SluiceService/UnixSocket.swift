import CDescriptors
import Foundation

/// The few calls on Unix stream sockets the control socket needs, every
/// descriptor close-on-exec from the start.
enum UnixSocket {
    /// A new socket, non-blocking unless `blocking`.
    static func make(path: String, blocking: Bool = false) throws(ControlError) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | (blocking ? 0 : Int32(SOCK_NONBLOCK.rawValue)), 0)
        guard fd >= 0 else { throw .socketFailed(path: path, reason: String(cString: strerror(errno))) }
        return fd
    }

    /// Runs `body` with the address of `path`; a path too long for
    /// sockaddr_un is an error, not a silent cut.
    static func withAddress<T>(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> T) throws(ControlError) -> T {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else {
            throw .socketFailed(path: path, reason: "the path is \(bytes.count) bytes, more than the \(capacity - 1) a socket path may have; set XDG_RUNTIME_DIR to a shorter folder")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }

    /// The uid of the process that connected, as the kernel recorded it.
    static func peerUID(_ fd: Int32) -> uid_t? {
        var uid: UInt32 = 0
        return sluice_peer_uid(fd, &uid) == 0 ? uid_t(uid) : nil
    }

    /// Writes all of `bytes` to a blocking socket.
    static func writeAll(_ fd: Int32, _ bytes: Data) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if sent < 0 && errno == EINTR { continue }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }
}
