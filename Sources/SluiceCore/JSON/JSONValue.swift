/// A parsed JSON value that remembers where it stood in the text, so that a
/// problem found while reading the store can name the line and column.
public struct JSONValue: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case null
        case bool(Bool)
        /// The number exactly as written; callers decide how to read it.
        case number(String)
        case string(String)
        case array([JSONValue])
        /// Members in the order written; keys may repeat in the text, and the
        /// reader of the store rejects that.
        case object([(key: String, value: JSONValue)])

        public static func == (lhs: Kind, rhs: Kind) -> Bool {
            switch (lhs, rhs) {
            case (.null, .null): return true
            case let (.bool(a), .bool(b)): return a == b
            case let (.number(a), .number(b)): return a == b
            case let (.string(a), .string(b)): return a == b
            case let (.array(a), .array(b)): return a == b
            case let (.object(a), .object(b)):
                return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
            default: return false
            }
        }
    }

    public var kind: Kind
    /// Where the value started; not part of equality, which compares content.
    public var position: TextPosition

    public init(_ kind: Kind, at position: TextPosition = TextPosition(line: 0, column: 0)) {
        self.kind = kind
        self.position = position
    }

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        lhs.kind == rhs.kind
    }

    /// What a user would call this kind of value in an error message.
    public var typeName: String {
        switch kind {
        case .null: return "null"
        case .bool: return "true/false"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "a list"
        case .object: return "an object"
        }
    }
}

/// A 1-based line and column in a text file.
public struct TextPosition: Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "line \(line), column \(column)" }
}
