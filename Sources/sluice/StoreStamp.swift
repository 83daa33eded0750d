import Foundation

/// What identifies one version of the store file on disk, so the screen
/// notices when another `sluice` command changed it.
struct StoreStamp: Equatable {
    private var inode: UInt64
    private var size: Int64
    private var modified: timespec

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modified = info.st_mtim
    }

    static func == (a: StoreStamp, b: StoreStamp) -> Bool {
        a.inode == b.inode && a.size == b.size && a.modified.tv_sec == b.modified.tv_sec && a.modified.tv_nsec == b.modified.tv_nsec
    }
}
