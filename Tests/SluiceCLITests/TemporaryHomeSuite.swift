import SluiceTestSupport
import Testing

/// A suite that runs the built binary in a temporary HOME of its own, with
/// the store at its default place there.
protocol TemporaryHomeSuite {
    var home: TemporaryDirectory { get }
}

extension TemporaryHomeSuite {
    var environment: [String: String] { ["HOME": home.path, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"] }
    var storePath: String { home.file(".config/sluice/forwards.json") }

    /// Runs `sluice ARGUMENTS` and expects it to exit with `status`.
    @discardableResult
    func sluice(_ arguments: String..., expect status: Int32 = 0, sourceLocation: SourceLocation = #_sourceLocation) throws -> Command.Result {
        let result = try SluiceBinary.run(arguments, environment: environment)
        #expect(result.status == status, "sluice \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)",
                sourceLocation: sourceLocation)
        return result
    }
}
