import Foundation
import SluiceCore

/// Tells the engine when the store file may have changed, without polling:
/// inotify on the store's folder, because the store is replaced by an
/// atomic rename, which a watch on the file itself would not follow. A
/// folder that is removed or replaced (a dotfiles tool, `rm -rf`) is made
/// again and watched anew.
public final class StoreFollower {
    /// Poll it for reading; `changed()` then says whether the store was touched.
    public let fd: Int32
    private let folder: String
    private let name: [UInt8]

    public init(storePath: String) throws(ControlError) {
        folder = (storePath as NSString).deletingLastPathComponent
        name = Array((storePath as NSString).lastPathComponent.utf8)
        fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { throw .storeFolderUnusable(path: folder, reason: String(cString: strerror(errno))) }
        do {
            try watch()
        } catch {
            close(fd)
            throw error
        }
    }

    deinit {
        close(fd)
    }

    /// Makes the folder as the store would (0700, with its parents: there
    /// may be no ~/.config yet) and watches it.
    private func watch() throws(ControlError) {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .storeFolderUnusable(path: folder, reason: "it cannot be made: \((error as NSError).localizedDescription)")
        }
        let events = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF)
        guard inotify_add_watch(fd, folder, events) >= 0 else {
            throw .storeFolderUnusable(path: folder, reason: String(cString: strerror(errno)))
        }
    }

    /// Reads every event waiting; true if one was about the store file, or
    /// the folder itself went (then it is watched again).
    public func changed() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        var touched = false
        var folderGone = false
        while true {
            let got = read(fd, &buffer, buffer.count)
            guard got > 0 else { break }
            var offset = 0
            let header = MemoryLayout<inotify_event>.size
            while offset + header <= got {
                let (mask, length) = buffer.withUnsafeBytes { raw in
                    (raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self),
                     Int(raw.loadUnaligned(fromByteOffset: offset + header - MemoryLayout<UInt32>.size, as: UInt32.self)))
                }
                let nameBytes = buffer[(offset + header)..<min(got, offset + header + length)]
                if nameBytes.prefix(while: { $0 != 0 }).elementsEqual(name) { touched = true }
                if mask & UInt32(IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED) != 0 { folderGone = true }
                // Events were lost: the store may have changed among them.
                if mask & UInt32(IN_Q_OVERFLOW) != 0 { touched = true }
                offset += header + length
            }
        }
        if folderGone {
            // A new folder may already hold a store: read it either way.
            try? watch()
            touched = true
        }
        return touched
    }
}
