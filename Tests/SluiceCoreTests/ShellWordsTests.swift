import Foundation
import SluiceCore
import Testing

/// A copied ssh command reads back, in a POSIX shell, as the words it was made of.
@Suite struct ShellWordsTests {
    @Test func plainWordsStayAsTheyAre() {
        #expect(ShellWords.joined(["ssh", "-N", "-L", "5432:localhost:5432", "deploy@db.example.com", "~/.ssh/id_ed25519"])
                == "ssh -N -L 5432:localhost:5432 deploy@db.example.com ~/.ssh/id_ed25519")
    }

    @Test func everythingAShellWouldReadIsQuoted() {
        #expect(ShellWords.joined(["a b"]) == "'a b'")
        #expect(ShellWords.joined(["it's"]) == "'it'\\''s'")
        #expect(ShellWords.joined(["$(touch x)", "`id`", "*", "[::1]:80:h:80", "a;b"])
                == "'$(touch x)' '`id`' '*' '[::1]:80:h:80' 'a;b'")
        #expect(ShellWords.joined([""]) == "''")
        #expect(ShellWords.joined(["~root/key", "~/a b", "=ls"]) == "'~root/key' '~/a b' '=ls'")
    }

    /// Checked by a real shell: each word comes back as one argument.
    @Test func bashReadsTheWordsBack() throws {
        let words = ["it's", "a b", "$(echo no)", "`echo no`", "=x", "*", "", "tab\there"]
        let joined = ShellWords.joined(words)
        let program = "for word in " + joined + "; do printf '%s\\n' \"[$word]\"; done"
        let result = try runBash(program)
        #expect(result == words.map { "[\($0)]" }.joined(separator: "\n") + "\n")
    }

    private func runBash(_ program: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["--noprofile", "--norc", "-c", program]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
