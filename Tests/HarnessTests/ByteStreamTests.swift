import SluiceTestSupport
import Testing

@Suite struct ByteStreamTests {
    /// Receivers regenerate the stream in whatever chunks recv() returns.
    @Test func streamIsTheSameHoweverItIsChunked() {
        var whole = ByteStream(seed: 42)
        var expected = [UInt8](repeating: 0, count: 10_000)
        expected.withUnsafeMutableBytes { whole.fill($0) }
        var pieces = ByteStream(seed: 42)
        var actual: [UInt8] = []
        var size = 1
        while actual.count < expected.count {
            var chunk = [UInt8](repeating: 0, count: min(size, expected.count - actual.count))
            chunk.withUnsafeMutableBytes { pieces.fill($0) }
            actual += chunk
            size = size % 13 + 1
        }
        #expect(actual == expected)
        #expect(Set(expected).count > 200)
    }
}
