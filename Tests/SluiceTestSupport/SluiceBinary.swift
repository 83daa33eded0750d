import Foundation

/// The built `sluice` executable, run as a user would run it.
public enum SluiceBinary {
    /// `$SLUICE_BINARY`, else the `sluice` built beside the test bundle.
    public static var path: String {
        if let explicit = ProcessInfo.processInfo.environment["SLUICE_BINARY"], !explicit.isEmpty { return explicit }
        let testExecutable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var folder = URL(fileURLWithPath: testExecutable).deletingLastPathComponent()
        // The test executable may sit inside a .xctest bundle folder.
        while folder.path != "/" && !FileManager.default.isExecutableFile(atPath: folder.appendingPathComponent("sluice").path) {
            folder.deleteLastPathComponent()
        }
        return folder.appendingPathComponent("sluice").path
    }

    public static func run(_ arguments: [String], environment: [String: String], input: String? = nil, timeout: TimeInterval = 60) throws -> Command.Result {
        try Command(path, arguments, environment: environment, input: input, timeout: timeout).run()
    }
}
