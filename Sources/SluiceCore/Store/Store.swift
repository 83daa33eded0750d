import Foundation

/// The file that holds the saved servers and forwards.
///
/// Every change goes through `update`: take the lock, read the file as it is
/// now, apply the change, write it back atomically. Two processes changing
/// the store at once therefore both keep their change, and a file that does
/// not parse is never overwritten.
public struct Store: Sendable {
    /// The largest store read or written. Four times what 100,000 forwards
    /// take (about 23 MB), and far below what would strain memory; beyond
    /// it a file is not a store, whatever it holds (/dev/zero, a disk image).
    public static let defaultSizeLimit = 64 << 20

    public let path: String
    public let sizeLimit: Int

    public init(path: String, sizeLimit: Int = Store.defaultSizeLimit) {
        self.path = path
        self.sizeLimit = sizeLimit
    }

    /// Where the store lives: `--store`, else `$SLUICE_STORE`, else
    /// `$XDG_CONFIG_HOME/sluice/forwards.json`, else `~/.config/sluice/forwards.json`.
    public static func defaultPath(explicit: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit, !explicit.isEmpty { return HomeDirectory.expandingTilde(explicit, environment: environment) }
        if let fromEnvironment = environment["SLUICE_STORE"], !fromEnvironment.isEmpty {
            return HomeDirectory.expandingTilde(fromEnvironment, environment: environment)
        }
        // The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
        if let config = environment["XDG_CONFIG_HOME"], config.hasPrefix("/") {
            return config + "/sluice/forwards.json"
        }
        return HomeDirectory.path(environment: environment) + "/.config/sluice/forwards.json"
    }

    /// The saved document; an absent file is an empty store.
    public func load() throws(StoreError) -> StoreDocument {
        let text: String?
        do {
            text = try TextFile.readText(path, limit: sizeLimit)
        } catch where error.code == ENOENT {
            return StoreDocument()
        } catch .system(let error) {
            throw .unreadable(path: path, reason: error.reason)
        } catch {
            throw .unusable(path: path, reason: error.reason)
        }
        guard let text else {
            throw .malformed(path: path, at: TextPosition(line: 1, column: 1), problem: "the file is not UTF-8 text")
        }
        return try StoreDocument(parsing: text, path: path)
    }

    /// Applies `change` to the current document and saves the result if it
    /// differs. Errors from `change` leave the file untouched.
    @discardableResult
    public func update<Result>(_ change: (inout StoreDocument) throws -> Result) throws -> Result {
        // Something that is not a file (a FIFO, a device, a folder) gets no
        // folder or lock file made beside it: loading it says what it is
        // (and /dev/null, which reads as empty, is no valid store).
        if !TextFile.isRegularFileOrAbsent(path) { _ = try load() }
        let folder = (path as NSString).deletingLastPathComponent
        do {
            if !folder.isEmpty {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            }
        } catch {
            throw StoreError.unwritable(path: path, reason: "cannot create the folder \(TerminalText.path(folder)): \(Self.reason(error))")
        }
        let lock: FileLock
        do {
            lock = try FileLock(path: path + ".lock")
        } catch {
            throw StoreError.unwritable(path: path, reason: error.description)
        }
        defer { withExtendedLifetime(lock) {} }
        AtomicFile.removeLeftovers(of: path)
        let before = try load()
        var document = before
        let result = try change(&document)
        if document != before {
            // Never write what the next load would refuse.
            let text = document.jsonText
            guard text.utf8.count <= sizeLimit else {
                let size = String(format: "%.1f", Double(text.utf8.count) / Double(1 << 20))
                throw StoreError.unwritable(path: path, reason: "it would hold \(size) MiB, more than the \(sizeLimit >> 20) MiB Sluice reads back")
            }
            do {
                try AtomicFile.write(text, to: path)
            } catch {
                throw StoreError.unwritable(path: path, reason: error.description)
            }
        }
        return result
    }

    private static func reason(_ error: Error) -> String {
        if let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return (error as NSError).localizedDescription
    }
}
