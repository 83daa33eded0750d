import Foundation

/// What every child a test starts gets from the test process, whatever
/// environment the test built for it: the switches of Sluice's
/// process-wide tunings and the sanitizers' options.
///
/// Tests build their children's environments from scratch, so that nothing
/// of the user's setup leaks in; a run that switches the tunings off, or
/// runs under a sanitizer (scripts/sanitize), must still reach every
/// `sluice` the tests start, or those would run with the tunings on and
/// their reports would go nowhere. A variable the test sets itself wins.
public enum InheritedEnvironment {
    public static let names = [
        "SLUICE_READ_AHEAD", "SLUICE_GLIBC_TUNING",
        "TSAN_OPTIONS", "ASAN_OPTIONS", "LSAN_OPTIONS", "UBSAN_OPTIONS",
    ]

    /// `environment` with each of `names` that `current` has and
    /// `environment` lacks.
    public static func adding(to environment: [String: String],
                              from current: [String: String] = ProcessInfo.processInfo.environment) -> [String: String] {
        var result = environment
        for name in names where result[name] == nil {
            if let value = current[name] { result[name] = value }
        }
        return result
    }
}
