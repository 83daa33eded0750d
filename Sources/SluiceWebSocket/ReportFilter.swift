import NIOConcurrencyHelpers

/// Says a pool's problem once, not once per stream and event loop: the
/// same line again is kept back until something worked in between.
final class ReportFilter: Sendable {
    private let last = NIOLockedValueBox<String?>(nil)
    private let report: @Sendable (String) -> Void

    init(report: @escaping @Sendable (String) -> Void) {
        self.report = report
    }

    func problem(_ line: String) {
        let isNew = last.withLockedValue { last -> Bool in
            defer { last = line }
            return last != line
        }
        if isNew { report(line) }
    }

    func worked() {
        last.withLockedValue { $0 = nil }
    }
}
