import CDescriptors
import Foundation

/// The engine's listening control socket: mode 0600 in the user's 0700
/// folder, so only the user reaches it; each connection's peer is checked
/// again by uid (`ControlPeer`), as the folder could be opened by mistake.
public final class ControlListener {
    public let fd: Int32
    public let path: String
    private var inode: ino_t = 0

    /// Replaces whatever socket file is at `path`: the caller holds the
    /// store's `EngineLock`, so a socket there is a crashed engine's.
    public init(path: String) throws(ControlError) {
        self.path = path
        fd = try UnixSocket.make(path: path)
        do throws(ControlError) {
            unlink(path)
            let bound = try UnixSocket.withAddress(path) { Foundation.bind(fd, $0, $1) }
            guard bound == 0 else { throw .socketFailed(path: path, reason: String(cString: strerror(errno))) }
            guard chmod(path, 0o600) == 0, listen(fd, 64) == 0 else {
                throw .socketFailed(path: path, reason: String(cString: strerror(errno)))
            }
            var info = stat()
            if stat(path, &info) == 0 { inode = info.st_ino }
        } catch {
            Glibc.close(fd)
            throw error
        }
    }

    /// The next waiting connection, non-blocking and close-on-exec.
    public func accept() -> Int32? {
        let client = sluice_accept_cloexec(fd)
        return client >= 0 ? client : nil
    }

    /// Stops listening and removes the socket file, if it is still this one.
    public func close() {
        var info = stat()
        if stat(path, &info) == 0 && info.st_ino == inode { unlink(path) }
        Glibc.close(fd)
    }
}
