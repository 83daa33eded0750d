import SluiceControl
import Testing

@Suite struct LineBufferTests {
    @Test func linesSplitAcrossReadsComeOutWhole() throws {
        var buffer = LineBuffer(limit: 100)
        #expect(try buffer.append(Array("{\"a\":".utf8)).isEmpty)
        #expect(try buffer.append(Array("1}\n{\"b\"".utf8)) == [Array("{\"a\":1}".utf8)])
        #expect(try buffer.append(Array(":2}\r\n\n\n{}\n".utf8)) == [Array("{\"b\":2}".utf8), Array("{}".utf8)])
    }

    @Test func aLineLongerThanTheLimitIsRefusedBeforeItsEnd() throws {
        var buffer = LineBuffer(limit: 8)
        #expect(try buffer.append(Array("12345678".utf8)).isEmpty)
        #expect(throws: LineBuffer.TooLong(limit: 8)) { try buffer.append([UInt8(ascii: "9")]) }
        var complete = LineBuffer(limit: 8)
        #expect(throws: LineBuffer.TooLong(limit: 8)) { try complete.append(Array("123456789\n".utf8)) }
    }
}
