/// What a project or service name may be, in the endpoint's path and in the
/// services file alike (docs/agent-protocol.md): ASCII letters, digits,
/// '-', '_' and '.', 1 to 63 characters, not starting with '-' or '.'.
/// Such a name needs no escaping in a URL, a log line or a terminal. The
/// agent and Sluice's client check names by this one rule.
public enum AgentNameRule {
    public static let maximumLength = 63

    /// The problem with `name`, worded to follow "the name" ("is empty"),
    /// or nil if it is a usable name.
    public static func problem(with name: String) -> String? {
        let bytes = name.utf8
        if bytes.isEmpty { return "is empty" }
        if bytes.count > maximumLength { return "is longer than \(maximumLength) characters" }
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: ".") {
            return "starts with '\(Character(Unicode.Scalar(first)))'"
        }
        guard bytes.allSatisfy(HostRule.isNameByte) else {
            return "holds a character other than letters, digits, '-', '_' and '.'"
        }
        return nil
    }
}
