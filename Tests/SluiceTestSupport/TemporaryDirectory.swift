import Foundation

/// A fresh folder under /tmp, removed with everything in it when released.
public final class TemporaryDirectory: @unchecked Sendable {
    public let path: String

    public init(prefix: String = "sluice-test") throws {
        var template = Array("/tmp/\(prefix).XXXXXX".utf8CString)
        guard mkdtemp(&template) != nil else {
            throw TestSupportError("cannot create a temporary folder: \(String(cString: strerror(errno)))")
        }
        path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public func file(_ name: String) -> String { path + "/" + name }

    @discardableResult
    public func write(_ name: String, _ text: String, mode: Int = 0o644) throws -> String {
        let target = file(name)
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: target, atomically: false, encoding: .utf8)
        chmod(target, mode_t(mode))
        return target
    }

    public func read(_ name: String) throws -> String {
        try String(contentsOfFile: file(name), encoding: .utf8)
    }

    /// Waits until the file `name` here (a child's stderr, say) holds
    /// `text`; false on timeout.
    public func waitUntil(_ name: String, contains text: String, timeout: TimeInterval = 20) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if ((try? read(name)) ?? "").contains(text) { return true }
            usleep(20_000)
        }
        return false
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}

public struct TestSupportError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
