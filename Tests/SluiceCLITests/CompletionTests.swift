import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

/// The generated bash completion script, run as bash runs it: sourced in a
/// bash process, its function called with COMP_WORDS and COMP_CWORD set,
/// and COMPREPLY printed. Every word reaches bash as an argument; the
/// program bash runs is this constant text.
@Suite struct CompletionTests {
    static let bashProgram = """
        source "$1"; shift
        COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
        COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
        _sluice "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
        printf '%s\\n' "${COMPREPLY[@]}"
        """

    let home: TemporaryDirectory
    let environment: [String: String]
    let script: String

    init() throws {
        home = try TemporaryDirectory(prefix: "sluice-completion")
        environment = ["HOME": home.path, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"]
        let generated = try SluiceBinary.run(["--generate-completion-script", "bash"], environment: environment)
        #expect(generated.status == 0, "\(generated.stderr)")
        script = try home.write("sluice.bash", generated.stdout)
    }

    @discardableResult
    func sluice(_ arguments: String..., store: String? = nil) throws -> Command.Result {
        let result = try SluiceBinary.run(arguments + (store.map { ["--store", $0] } ?? []), environment: environment)
        #expect(result.status == 0, "sluice \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        return result
    }

    /// COMPREPLY for a command line whose last word is being completed.
    func complete(_ words: [String], environment extra: [String: String] = [:]) throws -> [String] {
        let result = try Command("/bin/bash", ["--norc", "--noprofile", "-c", Self.bashProgram, "bash", script, SluiceBinary.path] + words,
                                 environment: environment.merging(extra) { $1 }).run()
        #expect(result.status == 0, "\(words): \(result.stderr)")
        #expect(result.stderr.isEmpty, "\(words): \(result.stderr)")
        return result.stdout.split(separator: "\n").map(String.init)
    }

    @Test func savedServerAndForwardNamesAreOffered() throws {
        try sluice("server", "add", "db", "db.example.com")
        try sluice("add", "db", "-L", "5432")
        try sluice("add", "db", "-D", "1080", "--name", "socks")
        try sluice("server", "add", "web", "web.example.com")
        try sluice("add", "web", "-L", "8080:localhost:80")

        #expect(try complete(["enable", ""]).sorted() == ["db/L5432", "db/socks", "web/L8080"])
        #expect(try complete(["disable", "db/"]).sorted() == ["db/L5432", "db/socks"])
        #expect(try complete(["remove", "web"]) == ["web/L8080"])
        #expect(try complete(["edit", "db/s"]) == ["db/socks"])
        #expect(try complete(["connections", "db/L"]) == ["db/L5432"])
        #expect(try complete(["server", "edit", ""]).sorted() == ["db", "web"])
        #expect(try complete(["server", "remove", "w"]) == ["web"])
        #expect(try complete(["add", "d"]) == ["db"])
        #expect(try complete(["up", "db", ""]).sorted() == ["db", "web"])
        #expect(try complete(["status", ""]).sorted() == ["db", "web"])
        #expect(try complete(["retry", ""]).sorted() == ["db", "web"])
    }

    /// The store the completed command would use: --store on the line,
    /// else SLUICE_STORE, as every command takes them.
    @Test func namesComeFromTheStoreTheCommandLineNames() throws {
        try sluice("server", "add", "home-db", "db")
        let other = home.file("other.json")
        try sluice("server", "add", "other-db", "db", store: other)
        let fromEnvironment = home.file("env.json")
        try sluice("server", "add", "env-db", "db", store: fromEnvironment)

        #expect(try complete(["server", "edit", ""]) == ["home-db"])
        #expect(try complete(["--store", other, "server", "edit", ""]) == ["other-db"])
        #expect(try complete(["server", "edit", "--store", other, ""]) == ["other-db"])
        #expect(try complete(["server", "edit", ""], environment: ["SLUICE_STORE": fromEnvironment]) == ["env-db"])
        #expect(try complete(["server", "edit", "--store", other, ""], environment: ["SLUICE_STORE": fromEnvironment]) == ["other-db"])
    }

    /// Completion runs on every Tab: a broken store, or one that is not a
    /// file, completes nothing and says nothing.
    @Test func aBrokenStoreCompletesNothingQuietly() throws {
        let broken = try home.write("broken.json", "{\"version\": 1, \"servers\": [")
        #expect(try complete(["--store", broken, "enable", ""]).isEmpty)
        #expect(try complete(["--store", "/dev/zero", "server", "edit", ""]).isEmpty)
        #expect(try complete(["--store", home.file("absent.json"), "enable", ""]).isEmpty)
    }

    /// bash's compgen -W expands the words it is given: a saved name that
    /// holds a command substitution must not be offered, or a Tab would
    /// run it.
    @Test func aNameThatIsShellCodeIsNotOfferedAndNeverRuns() throws {
        let hostile = "$(cd;touch${IFS}pwned)"
        try sluice("server", "add", "db", "db")
        try sluice("server", "add", hostile, "db")
        try sluice("add", hostile, "-L", "5432")
        try sluice("add", "db", "-L", "5432", "--name", "`cd;touch${IFS}pwned`")
        #expect(try complete(["server", "edit", ""]) == ["db"])
        #expect(try complete(["enable", ""]).isEmpty)
        #expect(try complete(["enable", "$"]).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: home.file("pwned")))
    }
}
