import Foundation

/// Where the CLI speaks to the user: results the user asked for go to stdout,
/// everything said about them to stderr, so that stdout stays parseable.
enum Console {
    static func output(_ text: String, terminator: String = "\n") {
        print(text, terminator: terminator)
    }

    static func say(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    static func warn(_ text: String) {
        say("sluice: warning: \(text)")
    }

    static func error(_ text: String) {
        say("sluice: \(text)")
    }
}
