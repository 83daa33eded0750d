import Foundation
import SluiceCore

/// Tells the engine when the store file may have changed, without polling:
/// inotify on the store's folder, because the store is replaced by an
/// atomic rename, which a watch on the file itself would not follow.
public final class StoreFollower {
    /// Poll it for reading; `changed()` then says whether the store was touched.
    public let fd: Int32
    private let name: [UInt8]

    public init(storePath: String) throws(ControlError) {
        let folder = (storePath as NSString).deletingLastPathComponent
        name = Array((storePath as NSString).lastPathComponent.utf8)
        fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { throw .socketFailed(path: folder, reason: "cannot watch the store's folder: \(String(cString: strerror(errno)))") }
        // The folder may not exist before the first save: make it as the
        // store would (0700), so there is something to watch.
        if mkdir(folder, 0o700) != 0 && errno != EEXIST {
            close(fd)
            throw .socketFailed(path: folder, reason: "cannot make the store's folder: \(String(cString: strerror(errno)))")
        }
        let events = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE)
        guard inotify_add_watch(fd, folder, events) >= 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw .socketFailed(path: folder, reason: "cannot watch the store's folder: \(reason)")
        }
    }

    deinit {
        close(fd)
    }

    /// Reads every event waiting; true if one was about the store file.
    public func changed() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        var touched = false
        while true {
            let got = read(fd, &buffer, buffer.count)
            guard got > 0 else { return touched }
            var offset = 0
            let header = MemoryLayout<inotify_event>.size
            while offset + header <= got {
                let length = buffer.withUnsafeBytes { raw in
                    Int(raw.loadUnaligned(fromByteOffset: offset + header - MemoryLayout<UInt32>.size, as: UInt32.self))
                }
                let nameBytes = buffer[(offset + header)..<min(got, offset + header + length)]
                let eventName = nameBytes.prefix { $0 != 0 }
                if eventName.elementsEqual(name) { touched = true }
                offset += header + length
            }
        }
    }
}
