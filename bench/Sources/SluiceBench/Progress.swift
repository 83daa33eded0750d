import Foundation

/// Progress lines on stderr, so stdout carries only the results.
enum Progress {
    static func say(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
