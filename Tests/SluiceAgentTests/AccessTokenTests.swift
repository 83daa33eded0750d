import SluiceAgent
import SluiceTestSupport
import Testing

@Suite struct AccessTokenTests {
    @Test func onlyTheExactTokenMatches() {
        let token = AccessToken("s3cret")
        #expect(token.matches(Array("s3cret".utf8)))
        #expect(!token.matches(Array("s3cre".utf8)))
        #expect(!token.matches(Array("s3crett".utf8)))
        #expect(!token.matches(Array("S3cret".utf8)))
        #expect(!token.matches([]))
    }

    @Test func theFilesFirstLineIsTheToken() throws {
        let folder = try TemporaryDirectory()
        let path = try folder.write("token", "  s3cret \nsecond line\n", mode: 0o600)
        #expect(try AccessToken(readingFrom: path).matches(Array("s3cret".utf8)))
        let empty = try folder.write("empty", "\n\n")
        #expect(throws: AgentError.tokenFile(path: empty, reason: "its first line is empty")) { try AccessToken(readingFrom: empty) }
        #expect(throws: AgentError.tokenFile(path: folder.path, reason: "it is a folder, not a file")) { try AccessToken(readingFrom: folder.path) }
    }
}
