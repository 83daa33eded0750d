import Foundation

/// Something that happened to a server or forward, told in one line.
public struct StatusEvent: Sendable, Equatable {
    public var time: Date
    /// The server it concerns; nil for the program itself (e.g. a save).
    public var server: String?
    public var text: String
    /// A failure the user may need to act on, shown in the error colour.
    public var isProblem: Bool

    public init(time: Date, server: String?, text: String, isProblem: Bool = false) {
        self.time = time
        self.server = server
        self.text = text
        self.isProblem = isProblem
    }
}
