import SluiceCore
import Testing

@Suite struct DestinationTests {
    @Test(arguments: [
        ("db", Destination(user: nil, host: "db", port: nil), "db"),
        ("deploy@db.example.com", Destination(user: "deploy", host: "db.example.com", port: nil), "deploy@db.example.com"),
        ("deploy@db.example.com:2222", Destination(user: "deploy", host: "db.example.com", port: 2222), "deploy@db.example.com:2222"),
        ("ssh://root@10.0.0.5:22/", Destination(user: "root", host: "10.0.0.5", port: 22), "root@10.0.0.5:22"),
        ("me@corp@jump.example.com", Destination(user: "me@corp", host: "jump.example.com", port: nil), "me@corp@jump.example.com"),
        ("[::1]:2222", Destination(user: nil, host: "::1", port: 2222), "[::1]:2222"),
        ("root@::1", Destination(user: "root", host: "::1", port: nil), "root@::1"),
    ])
    func parsesAndPrintsBack(_ text: String, _ expected: Destination, _ printed: String) throws {
        let destination = try Destination(parsing: text)
        #expect(destination == expected)
        #expect(destination.description == printed)
    }

    @Test(arguments: [
        ("", "it is empty"),
        ("@host", "the user name before '@' is empty"),
        ("user@", "the host is empty"),
        ("host:0", "'0' is not a port number (1-65535)"),
        ("host:ssh", "'ssh' is not a port number (1-65535)"),
        ("[::1", "a '[' is not closed by ']'"),
        ("my host", "it contains a space"),
    ])
    func rejectsWithTheReason(_ text: String, _ problem: String) {
        #expect(throws: SluiceError.invalidDestination(text, problem)) { try Destination(parsing: text) }
    }
}
