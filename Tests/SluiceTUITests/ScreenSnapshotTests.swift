import Foundation
import SluiceCore
@testable import SluiceTUI
import Testing

@Suite("Screens, as text")
struct ScreenSnapshotTests {
    typealias F = ScreenFixtures

    @Test func emptyStore() {
        let state = AppState(document: StoreDocument(), now: F.now)
        assertSnapshot(F.render(state), named: "empty-80x24")
    }

    @Test func everyLinkAndForwardState() {
        assertSnapshot(F.render(F.busy), named: "busy-80x24")
        assertSnapshot(F.render(F.busy, width: 120, height: 40), named: "busy-120x40")
    }

    @Test func plainASCIIWhenTheLocaleHasNoUnicode() {
        assertSnapshot(F.render(F.busy, symbols: .ascii), named: "busy-ascii-80x24")
    }

    @Test func serverPaneShowsTheServersLastError() {
        var state = F.busy
        state.focus = .servers
        state.selectedServer = "lab"
        assertSnapshot(F.render(state), named: "server-failed-80x24")
    }

    @Test func filterOn() {
        var state = F.busy
        F.type("/redis", into: &state)
        assertSnapshot(F.render(state), named: "filter-editing-80x24")
        _ = state.reduce(.key(.enter, at: F.keyTime))
        assertSnapshot(F.render(state), named: "filter-on-80x24")
    }

    /// A forward at its connection limit: its state word and the line
    /// under the table say so, as warnings.
    @Test func aPausedForwardSaysWhy() {
        var state = F.busy
        var statuses = F.statuses
        statuses[0].forwards[0].openConnections = 2048
        statuses[0].forwards[0].acceptPause = .connectionLimit(2048)
        _ = state.reduce(.status(statuses, at: F.now))
        assertSnapshot(F.render(state), named: "forward-paused-80x24")
    }

    @Test func help() {
        var state = F.busy
        _ = state.reduce(.key(.character("?"), at: F.keyTime))
        assertSnapshot(F.render(state), named: "help-80x24")
        assertSnapshot(F.render(state, width: 120, height: 40), named: "help-120x40")
    }

    @Test func log() {
        var state = F.busy
        _ = state.reduce(.key(.character("L"), at: F.keyTime))
        assertSnapshot(F.render(state), named: "log-80x24")
    }

    @Test func forwardFormWithValidationErrors() {
        var state = F.busy
        _ = state.reduce(.key(.character("a"), at: F.keyTime))
        assertSnapshot(F.render(state), named: "forward-form-new-80x24")
        _ = state.reduce(.key(.tab, at: F.keyTime))
        F.type("0.0.0.0", into: &state)
        _ = state.reduce(.key(.control("u"), at: F.keyTime))
        F.type("0.0.0.0", into: &state)
        _ = state.reduce(.key(.tab, at: F.keyTime))
        F.type("5432", into: &state)
        _ = state.reduce(.key(.tab, at: F.keyTime))
        _ = state.reduce(.key(.control("u"), at: F.keyTime))
        _ = state.reduce(.key(.enter, at: F.keyTime))
        assertSnapshot(F.render(state), named: "forward-form-errors-80x24")
        assertSnapshot(F.render(state, width: 120, height: 40), named: "forward-form-errors-120x40")
    }

    @Test func forwardFormPerKind() {
        var state = F.busy
        _ = state.reduce(.key(.character("a"), at: F.keyTime))
        _ = state.reduce(.key(.right, at: F.keyTime))
        assertSnapshot(F.render(state), named: "forward-form-reverse-80x24")
        _ = state.reduce(.key(.right, at: F.keyTime))
        assertSnapshot(F.render(state), named: "forward-form-dynamic-80x24")
    }

    @Test func portInUseIsFlagged() {
        var state = F.busy
        _ = state.reduce(.key(.character("a"), at: F.keyTime))
        _ = state.reduce(.key(.tab, at: F.keyTime))
        _ = state.reduce(.key(.tab, at: F.keyTime))
        F.type("8000", into: &state)
        _ = state.reduce(.portChecked(host: "127.0.0.1", port: 8000, problem: "port 8000 is already in use on this machine (by python3, pid 4242)"))
        assertSnapshot(F.render(state), named: "forward-form-port-in-use-80x24")
    }

    @Test func serverForm() {
        var state = F.busy
        _ = state.reduce(.key(.character("A"), at: F.keyTime))
        F.type("my db", into: &state)
        _ = state.reduce(.key(.tab, at: F.keyTime))
        F.type("root@[::1", into: &state)
        _ = state.reduce(.key(.enter, at: F.keyTime))
        assertSnapshot(F.render(state), named: "server-form-errors-80x24")
    }

    @Test func questionsFromTheEngine() {
        var state = F.busy
        _ = state.reduce(.prompt(id: 1, server: "lab", .unknownHostKey(host: "lab.example.com", keyType: "ssh-ed25519",
                                                                      fingerprint: "SHA256:pV2mQeXyD3Kx4z1o7Qm5S0c9bQ1c2Yf3nq8o0m3xX3E"), at: F.questionTime))
        assertSnapshot(F.render(state), named: "prompt-host-key-80x24")
        _ = state.reduce(.key(.character("y"), at: F.keyTime))
        _ = state.reduce(.key(.enter, at: F.keyTime))
        assertSnapshot(F.render(state), named: "prompt-host-key-unclear-80x24")
        F.type("yes", into: &state)
        assertSnapshot(F.render(state), named: "prompt-host-key-typed-80x24")
        _ = state.reduce(.key(.escape, at: F.keyTime))
        _ = state.reduce(.prompt(id: 2, server: "db", .password(user: "deploy", host: "db.example.com"), at: F.questionTime))
        F.type("hunter2", into: &state)
        assertSnapshot(F.render(state), named: "prompt-password-80x24")
        _ = state.reduce(.key(.escape, at: F.keyTime))
        _ = state.reduce(.prompt(id: 3, server: "db", .passphrase(text: "Passphrase for /home/me/.ssh/id_ed25519:"), at: F.questionTime))
        assertSnapshot(F.render(state), named: "prompt-passphrase-80x24")
        _ = state.reduce(.key(.escape, at: F.keyTime))
        _ = state.reduce(.prompt(id: 4, server: "staging", .keyboardInteractive(
            host: "staging.internal", name: "Two-factor login", instruction: "Enter your user name and the code from your app.",
            questions: [.init(text: "User:", echo: true), .init(text: "Code:", echo: false)]), at: F.questionTime))
        F.type("ci", into: &state)
        _ = state.reduce(.key(.enter, at: F.keyTime))
        F.type("123456", into: &state)
        assertSnapshot(F.render(state), named: "prompt-keyboard-interactive-80x24")
    }

    /// A hostile server's escape sequences show as text; its line breaks
    /// stay line breaks.
    @Test func serverTextIsShownAsWhatItIs() {
        var state = F.busy
        _ = state.reduce(.prompt(id: 1, server: "staging", .keyboardInteractive(
            host: "staging.internal", name: "\u{1B}]2;PWNED\u{07}Login", instruction: "First line\n\u{1B}[2JSecond line\u{202E}txt.exe",
            questions: [.init(text: "\u{1B}[31mCode: ", echo: false)]), at: F.questionTime))
        let screen = F.render(state)
        assertSnapshot(screen, named: "prompt-hostile-text-80x24")
        #expect(!screen.text.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" || $0 == "\u{202E}" })
    }

    @Test func confirmations() {
        var state = F.busy
        _ = state.reduce(.key(.character("d"), at: F.keyTime))
        assertSnapshot(F.render(state), named: "confirm-delete-forward-80x24")
        _ = state.reduce(.key(.escape, at: F.keyTime))
        _ = state.reduce(.key(.character("q"), at: F.keyTime))
        assertSnapshot(F.render(state), named: "confirm-quit-80x24")
    }

    @Test func aCursorInTheMiddleOfAField() {
        var state = F.busy
        _ = state.reduce(.key(.character("A"), at: F.keyTime))
        F.type("staging", into: &state)
        _ = state.reduce(.key(.tab, at: F.keyTime))
        F.type("ci@stagng.internal:2222", into: &state)
        for _ in 0..<16 { _ = state.reduce(.key(.left, at: F.keyTime)) }
        let screen = F.render(state)
        assertSnapshot(screen, named: "server-form-cursor-80x24")
        // The cursor is the highlighted cell on the "n" after "stag".
        let row = screen.lines.firstIndex { $0.contains("ci@stagng") }!
        let column = Array(screen.lines[row]).firstIndex(of: "@")! + 5
        #expect(screen[column, row].character == "n")
        #expect(screen[column, row].role == .selected)
        #expect((0..<screen.width).filter { screen[$0, row].role == .selected }.count == 1)
    }

    @Test func aFilterThatMatchesNothingSaysSo() {
        var state = F.busy
        F.type("/nosuch", into: &state)
        _ = state.reduce(.key(.enter, at: F.keyTime))
        let screen = F.render(state)
        assertSnapshot(screen, named: "filter-no-match-80x24")
        #expect(!screen.text.contains("No servers yet"))
    }

    @Test func longLogLinesWrap() {
        var state = F.busy
        state.focus = .servers
        state.selectedServer = "lab"
        _ = state.reduce(.key(.character("L"), at: F.keyTime))
        let screen = F.render(state)
        assertSnapshot(screen, named: "log-wrapped-80x24")
        #expect(screen.text.contains("ssh-keygen -R lab"))
        #expect(!screen.text.contains("Switched"))
    }

    @Test func dialogsAt80ColumnsLeaveNoStrayCharacters() {
        var state = F.busy
        _ = state.reduce(.key(.character("a"), at: F.keyTime))
        let screen = F.render(state)
        for line in screen.lines where line.contains("│") {
            // Nothing of the screen below shows right of the box's edge.
            #expect(line.hasSuffix("│"), "\(line)")
        }
        _ = state.reduce(.key(.escape, at: F.keyTime))
        _ = state.reduce(.key(.character("A"), at: F.keyTime))
        for line in F.render(state).lines where line.contains("│") { #expect(line.hasSuffix("│"), "\(line)") }
    }

    @Test func valuesStayInTheirColumnAsTheNameIsTyped() {
        var state = F.busy
        _ = state.reduce(.key(.character("A"), at: F.keyTime))
        func valueColumns(_ screen: ScreenBuffer) -> Set<Int> {
            Set(screen.lines.compactMap { line -> Int? in
                for label in ["Name", "Destination", "Identity file", "Jump host"] {
                    guard let range = line.range(of: label + " ") else { continue }
                    let after = line[range.upperBound...]
                    return line.distance(from: line.startIndex, to: after.firstIndex { $0 != " " } ?? after.endIndex)
                }
                return nil
            })
        }
        let empty = valueColumns(F.render(state))
        F.type("db2", into: &state)
        #expect(empty.count == 1)
        #expect(valueColumns(F.render(state)) == empty)
    }

    /// The NAME column, rates in and out at 120 columns, and a minute of
    /// traffic as a sparkline on the details' rule.
    @Test func trafficAtAGlance() {
        var state = F.busy
        var statuses = F.statuses
        for second in 1...70 {
            statuses[0].forwards[0].bytesIn += UInt64((second % 13) * 100_000)
            statuses[0].forwards[0].bytesOut += UInt64((second % 7 + 1) * 20_000)
            _ = state.reduce(.status(statuses, at: F.now.addingTimeInterval(Double(second))))
        }
        assertSnapshot(F.render(state), named: "sparkline-80x24")
        assertSnapshot(F.render(state, width: 120, height: 40), named: "sparkline-120x40")
        assertSnapshot(F.render(state, symbols: .ascii), named: "sparkline-ascii-80x24")
    }

    @Test func theConnectionsView() {
        var state = F.busy
        let postgres = ForwardReference(server: "db", forward: "postgres")
        _ = state.reduce(.key(.enter, at: F.keyTime))
        assertSnapshot(F.render(state), named: "connections-asking-80x24")
        func connection(_ id: UInt64, _ client: String, _ state: ConnectionStatus.State, age: TimeInterval, out: UInt64, in bytesIn: UInt64) -> ConnectionStatus {
            ConnectionStatus(id: id, client: client, destination: "localhost:5432", openedAt: F.now.addingTimeInterval(-age),
                             bytesOut: out, bytesIn: bytesIn, state: state)
        }
        _ = state.reduce(.connections(postgres, [
            connection(12, "127.0.0.1:53122", .relaying, age: 4_000, out: 1_200_000, in: 48_000_000),
            connection(31, "127.0.0.1:53406", .relaying, age: 75, out: 2_048, in: 91_000),
            connection(40, "[::1]:53510", .closing, age: 3, out: 310, in: 0),
            connection(41, "127.0.0.1:53511", .opening, age: 0, out: 0, in: 0),
        ]))
        _ = state.reduce(.key(.down, at: F.keyTime))
        assertSnapshot(F.render(state), named: "connections-80x24")
        assertSnapshot(F.render(state, width: 120, height: 40), named: "connections-120x40")
        _ = state.reduce(.connections(postgres, []))
        assertSnapshot(F.render(state), named: "connections-none-80x24")
    }
}
