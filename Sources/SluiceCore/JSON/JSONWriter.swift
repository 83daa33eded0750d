/// Writes JSON with two-space indentation and keys in the order given, so the
/// store reads well and diffs cleanly from one save to the next.
///
/// Built as UTF-8 bytes and made a String once: appending many small
/// strings to a String costs far more, and a store of 100,000 forwards is
/// a million small pieces.
public enum JSONWriter {
    public static func write(_ value: JSONValue) -> String {
        var out: [UInt8] = []
        write(value, indent: 0, into: &out)
        out.append(UInt8(ascii: "\n"))
        return String(decoding: out, as: UTF8.self)
    }

    private static func write(_ value: JSONValue, indent: Int, into out: inout [UInt8]) {
        switch value.kind {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let text): out.append(contentsOf: text.utf8)
        case .string(let text): writeString(text, into: &out)
        case .array(let elements):
            if elements.isEmpty { out.append(contentsOf: "[]".utf8); return }
            out.append(contentsOf: "[\n".utf8)
            for (offset, element) in elements.enumerated() {
                pad(indent + 1, into: &out)
                write(element, indent: indent + 1, into: &out)
                out.append(contentsOf: (offset == elements.count - 1 ? "\n" : ",\n").utf8)
            }
            pad(indent, into: &out)
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            if members.isEmpty { out.append(contentsOf: "{}".utf8); return }
            out.append(contentsOf: "{\n".utf8)
            for (offset, member) in members.enumerated() {
                pad(indent + 1, into: &out)
                writeString(member.key, into: &out)
                out.append(contentsOf: ": ".utf8)
                write(member.value, indent: indent + 1, into: &out)
                out.append(contentsOf: (offset == members.count - 1 ? "\n" : ",\n").utf8)
            }
            pad(indent, into: &out)
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func pad(_ indent: Int, into out: inout [UInt8]) {
        for _ in 0..<2 * indent { out.append(UInt8(ascii: " ")) }
    }

    private static func writeString(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
            case UInt8(ascii: "\n"): out.append(contentsOf: "\\n".utf8)
            case UInt8(ascii: "\r"): out.append(contentsOf: "\\r".utf8)
            case UInt8(ascii: "\t"): out.append(contentsOf: "\\t".utf8)
            case 0..<0x20, 0x7F:
                let hex = String(byte, radix: 16)
                out.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8)
            default:
                // Bytes of other characters are copied as they are, as
                // RFC 8259 allows.
                out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
