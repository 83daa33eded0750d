/// Reads the members of one JSON object for a model type, and reports a
/// missing, mistyped or unknown key at the position it stands in the file.
/// Public for the other files Sluice reads the same way (the agent's
/// services file).
public struct JSONObjectReader {
    public struct Problem: Error, Sendable {
        public var position: TextPosition
        public var message: String

        public init(position: TextPosition, message: String) {
            self.position = position
            self.message = message
        }
    }

    private let members: [(key: String, value: JSONValue)]
    private let position: TextPosition
    /// Names the object in messages, e.g. `server 'db'`; callers sharpen it
    /// once they have read the object's name.
    public var context: String
    private var used: Set<String> = []

    public init(_ value: JSONValue, context: String) throws(Problem) {
        guard case .object(let members) = value.kind else {
            throw Problem(position: value.position, message: "\(context) should be an object but is \(value.typeName)")
        }
        var seen: Set<String> = []
        for member in members where !seen.insert(member.key).inserted {
            throw Problem(position: member.value.position, message: "\(context) has the key \"\(TerminalText.echo(member.key))\" twice")
        }
        self.members = members
        self.position = value.position
        self.context = context
    }

    public mutating func optional(_ key: String) -> JSONValue? {
        used.insert(key)
        return members.first { $0.key == key }?.value
    }

    /// Every member, in the order written, for an object whose keys are
    /// names chosen by the user (a map) rather than known fields.
    public mutating func entries() -> [(key: String, value: JSONValue)] {
        for member in members { used.insert(member.key) }
        return members
    }

    public mutating func required(_ key: String) throws(Problem) -> JSONValue {
        guard let value = optional(key) else {
            throw Problem(position: position, message: "\(context) has no \"\(key)\"")
        }
        return value
    }

    public mutating func string(_ key: String) throws(Problem) -> String {
        try Self.string(try required(key), "\"\(key)\" of \(context)")
    }

    public mutating func optionalString(_ key: String) throws(Problem) -> String? {
        guard let value = optional(key) else { return nil }
        if case .null = value.kind { return nil }
        return try Self.string(value, "\"\(key)\" of \(context)")
    }

    public mutating func int(_ key: String) throws(Problem) -> Int {
        let value = try required(key)
        guard case .number(let text) = value.kind, let number = Int(text) else {
            throw Problem(position: value.position, message: "\"\(key)\" of \(context) should be a whole number")
        }
        return number
    }

    public mutating func bool(_ key: String) throws(Problem) -> Bool {
        let value = try required(key)
        guard case .bool(let flag) = value.kind else {
            throw Problem(position: value.position, message: "\"\(key)\" of \(context) should be true or false but is \(value.typeName)")
        }
        return flag
    }

    public mutating func array(_ key: String) throws(Problem) -> [JSONValue] {
        let value = try required(key)
        guard case .array(let elements) = value.kind else {
            throw Problem(position: value.position, message: "\"\(key)\" of \(context) should be a list but is \(value.typeName)")
        }
        return elements
    }

    /// Rejects keys nobody asked for: a misspelt key would otherwise be
    /// dropped silently and the user's setting lost on the next save.
    public func finish() throws(Problem) {
        for member in members where !used.contains(member.key) {
            let known = used.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
            throw Problem(position: member.value.position, message: "\(context) has an unknown key \"\(TerminalText.echo(member.key))\" (known keys: \(known))")
        }
    }

    public static func string(_ value: JSONValue, _ what: String) throws(Problem) -> String {
        guard case .string(let text) = value.kind else {
            throw Problem(position: value.position, message: "\(what) should be a string but is \(value.typeName)")
        }
        return text
    }
}
