/// Writes JSON with two-space indentation and keys in the order given, so the
/// store reads well and diffs cleanly from one save to the next.
public enum JSONWriter {
    public static func write(_ value: JSONValue) -> String {
        var out = ""
        write(value, indent: 0, into: &out)
        out.append("\n")
        return out
    }

    private static func write(_ value: JSONValue, indent: Int, into out: inout String) {
        let pad = String(repeating: "  ", count: indent + 1)
        let closingPad = String(repeating: "  ", count: indent)
        switch value.kind {
        case .null: out.append("null")
        case .bool(let flag): out.append(flag ? "true" : "false")
        case .number(let text): out.append(text)
        case .string(let text): writeString(text, into: &out)
        case .array(let elements):
            if elements.isEmpty { out.append("[]"); return }
            out.append("[\n")
            for (offset, element) in elements.enumerated() {
                out.append(pad)
                write(element, indent: indent + 1, into: &out)
                out.append(offset == elements.count - 1 ? "\n" : ",\n")
            }
            out.append(closingPad + "]")
        case .object(let members):
            if members.isEmpty { out.append("{}"); return }
            out.append("{\n")
            for (offset, member) in members.enumerated() {
                out.append(pad)
                writeString(member.key, into: &out)
                out.append(": ")
                write(member.value, indent: indent + 1, into: &out)
                out.append(offset == members.count - 1 ? "\n" : ",\n")
            }
            out.append(closingPad + "}")
        }
    }

    private static func writeString(_ text: String, into out: inout String) {
        out.append("\"")
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out.append("\\\"")
            case "\\": out.append("\\\\")
            case "\n": out.append("\\n")
            case "\r": out.append("\\r")
            case "\t": out.append("\\t")
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                out.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        out.append("\"")
    }
}
