import ArgumentParser

/// How long `sluice up` and `sluice forward` let open connections finish
/// after the first Ctrl+C.
struct DrainOptions: ParsableArguments {
    /// 0 closes connections at once; an hour is the longest wait that is
    /// still a wait rather than a hang.
    static let range = NumberRange(noun: "a number of seconds", range: 0...3600)

    @Option(name: .long, help: ArgumentHelp("Seconds open connections may take to finish after Ctrl+C (0 to 3600).", valueName: "seconds"))
    var drain: Double = 10

    func validate() throws {
        try Self.range.check(drain, option: "--drain")
    }

    /// 10 as "10", 0.5 as "0.5".
    static func shown(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}
