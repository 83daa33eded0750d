import SluiceCore
import Testing

@Suite struct JSONParserTests {
    @Test(arguments: [
        ("{\n  \"a\": 1\n  \"b\": 2\n}", 3, 3, "expected ',' or '}' but found '\"'"),
        ("{\"a\": [1, 2,]}", 1, 13, "a ',' before ']'"),
        ("{\"a\": 1,}", 1, 9, "a ',' before '}'"),
        ("{\"a\": tru}", 1, 7, "expected 'true'"),
        ("{\"a\": \"x\n\"}", 1, 9, "a string runs past the end of the line"),
        ("", 1, 1, "the file ends where a value was expected"),
        ("{\"a\": 1", 1, 8, "the file ends inside an object"),
        ("{} {}", 1, 4, "unexpected '{' after the end of the document"),
        ("{\"a\": 01}", 1, 7, "numbers must not start with 0"),
        ("{\"é\": x}", 1, 7, "expected a value but found 'x'"),
    ])
    func syntaxErrorsNameLineAndColumn(_ text: String, _ line: Int, _ column: Int, _ problem: String) {
        #expect {
            try JSONParser.parse(text)
        } throws: { error in
            guard let error = error as? JSONParser.SyntaxError else { return false }
            return error.position == TextPosition(line: line, column: column) && error.problem.hasPrefix(problem)
        }
    }

    @Test func readsEscapesIncludingSurrogatePairs() throws {
        let value = try JSONParser.parse(#"["a\"b\\c\/d\n\t", "\u00e9\ud83d\ude80"]"#)
        #expect(value.kind == .array([JSONValue(.string("a\"b\\c/d\n\t")), JSONValue(.string("é🚀"))]))
    }

    @Test func valuesRememberWhereTheyStood() throws {
        let value = try JSONParser.parse("{\n  \"servers\": [\n    {\"port\": 70000}\n  ]\n}")
        guard case .object(let members) = value.kind, case .array(let servers) = members[0].value.kind,
              case .object(let fields) = servers[0].kind
        else { Issue.record("unexpected shape"); return }
        #expect(fields[0].value.position == TextPosition(line: 3, column: 14))
    }

    /// A store written on one line (`jq -c`): every value's column is
    /// right, and an error at the end names its column, after the parser
    /// stepped back over a half-read word.
    @Test func aLongSingleLineKeepsItsColumns() throws {
        // Nine characters an item with its comma, ten bytes ('é' is two).
        let items = (0..<20_000).map { _ in "{\"é\": 1}" }
        let text = "[" + items.joined(separator: ",") + "]"
        let value = try JSONParser.parse(text)
        guard case .array(let elements) = value.kind else { Issue.record("not a list"); return }
        #expect(elements.count == 20_000)
        #expect(elements[0].position == TextPosition(line: 1, column: 2))
        #expect(elements[19_999].position == TextPosition(line: 1, column: 2 + 19_999 * 9))
        #expect {
            try JSONParser.parse("[" + items.joined(separator: ",") + ", tru]")
        } throws: { error in
            (error as? JSONParser.SyntaxError)?.position == TextPosition(line: 1, column: 1 + 20_000 * 9 + 2)
        }
    }

    @Test func writerOutputParsesBackToTheSameValue() throws {
        let text = #"{"b": [true, false, null, -1.5e3, {}], "a": "quote\" and \u0001 and ☃", "c": []}"#
        let value = try JSONParser.parse(text)
        let written = JSONWriter.write(value)
        #expect(try JSONParser.parse(written).kind == value.kind)
        // Keys stay in the order given, not sorted.
        #expect(written.range(of: "\"b\"")!.lowerBound < written.range(of: "\"a\"")!.lowerBound)
        #expect(written.contains(#"\u0001"#))
    }
}
