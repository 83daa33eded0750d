import SluiceAgent
import SluiceCore
import Testing

/// The services file: what it may say, and where a mistake in it is.
@Suite struct ServiceCatalogTests {
    @Test func everyKindOfLocationIsRead() throws {
        let catalog = try ServiceCatalog(parsing: """
            {"version": 1, "projects": {
              "my-app": {"phase": "Running", "services": {
                "db": {"address": "127.0.0.1"}, "web": {"netns": "app1"}, "admin": {"netns": "/run/netns/x"},
                "cache": {"pid": 4242}, "api": {}}},
              "later": {"phase": "Pending", "services": {}},
              "plain": {"services": {"x": {"address": "::1"}}}}}
            """, path: "s.json")
        let app = try #require(catalog.projects["my-app"])
        #expect(app.isRunning)
        #expect(app.services == [
            "db": .host("127.0.0.1"), "web": .namespace(path: "/var/run/netns/app1"), "admin": .namespace(path: "/run/netns/x"),
            "cache": .process(pid: 4242), "api": .host("localhost"),
        ])
        #expect(catalog.projects["later"]?.phase == "Pending")
        #expect(catalog.projects["plain"]?.isRunning == true)
        #expect(catalog.summary == "6 services in 3 projects")
        #expect(ServiceLocation.process(pid: 7).namespacePath == "/proc/7/ns/net")
    }

    @Test(arguments: [
        (#"{"projects": {"a": {"services": {"db": {"adress": "x"}}}}}"#, 1, 51, #"service 'db' of project 'a' has an unknown key "adress""#),
        (#"{"projects": {"a": {"services": {"db": {"address": "x", "pid": 3}}}}}"#, 1, 64, "service 'db' of project 'a' says more than one of"),
        (#"{"projects": {"a": {"services": {"db": {"pid": -3}}}}}"#, 1, 48, #""pid" of service 'db' of project 'a' should be a process id"#),
        (#"{"projects": {"a": {"services": {"db": {"netns": "../x"}}}}}"#, 1, 50, #""netns" of service 'db' of project 'a' should be a name"#),
        (#"{"projects": {"a": {"services": {"db": {"address": "a b"}}}}}"#, 1, 52, #""address" of service 'db' of project 'a' contains"#),
        (#"{"projects": {"-a": {"services": {}}}}"#, 1, 21, #"the name "-a" of a project starts with '-'"#),
        (#"{"projects": {"a": {"services": {"d/b": {}}}}}"#, 1, 41, #"the name "d/b" of a service of project 'a' holds a character"#),
        (#"{"projects": {"a": {"phase": "", "services": {}}}}"#, 1, 30, #""phase" of project 'a' is empty"#),
        (#"{"projects": {"a": {}}}"#, 1, 20, #"project 'a' has no "services""#),
        (#"{"version": 2, "projects": {}}"#, 1, 13, #""version" should be 1"#),
        ("{\"projects\": {\n  \"a\": {\"services\": {}},\n  \"a\": {\"services\": {}}}}", 3, 8, #""projects" has the key "a" twice"#),
    ])
    func mistakesAreNamedWhereTheyStand(_ text: String, _ line: Int, _ column: Int, _ problem: String) {
        #expect {
            try ServiceCatalog(parsing: text, path: "s.json")
        } throws: { error in
            guard case let ServiceCatalogError.invalid(path, position, message) = error else { return false }
            return path == "s.json" && position == TextPosition(line: line, column: column) && message.hasPrefix(problem)
        }
    }

    @Test func brokenJSONIsNamedWhereItBreaks() {
        #expect(throws: ServiceCatalogError.malformed(path: "s.json", at: TextPosition(line: 2, column: 1), problem: "expected ',' or '}' but found '\"'")) {
            try ServiceCatalog(parsing: "{\"projects\": {}\n\"x\": 1}", path: "s.json")
        }
        let message = ServiceCatalogError.invalid(path: "/etc/s.json", at: TextPosition(line: 3, column: 5), problem: "x").description
        #expect(message == "the services file /etc/s.json has a problem at line 3, column 5: x")
    }

    @Test func aMissingFileSaysSo() {
        #expect(throws: ServiceCatalogError.unreadable(path: "/nonexistent/s.json", reason: "No such file or directory")) {
            try ServiceCatalog(loadingFrom: "/nonexistent/s.json")
        }
    }
}
