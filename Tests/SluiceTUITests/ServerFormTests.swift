import SluiceCore
import SluiceTUI
import Testing

/// The server form's jump host and identity file go through the same rules
/// as the command line and the store.
@Suite struct ServerFormTests {
    func form(jump: String, identity: String = "") -> ServerForm {
        var form = ServerForm()
        form.name = TextField("db")
        form.destination = TextField("db.example.com")
        form.jumpHost = TextField(jump)
        form.identityFile = TextField(identity)
        return form
    }

    @Test(arguments: [
        ("b$(touch X)", "bad jump host 'b$(touch X)': it contains a space"),
        ("-oProxyCommand=touch_X", "bad jump host '-oProxyCommand=touch_X': a jump host cannot start with '-'"),
        (",", "bad jump host ',': jump host 1 of 2 is empty"),
        ("a,b$c", "bad jump host 'a,b$c': jump host 2 (b$c): the host contains '$'"),
    ])
    func aJumpHostSshWouldNotTakeIsAProblemAndNothingIsSaved(_ jump: String, _ problem: String) {
        let form = form(jump: jump)
        #expect(form.problem(in: .jumpHost, strict: false)?.hasPrefix(problem) == true, "\(String(describing: form.problem(in: .jumpHost, strict: false)))")
        #expect(form.server == nil)
    }

    @Test func aJumpChainIsSavedAsItParsesBackAndNoneIsNoJump() {
        #expect(form(jump: " ssh://ops@bastion:2222/,inner ").server?.jumpHost == "ops@bastion:2222,inner")
        #expect(form(jump: "none").server?.jumpHost == nil)
        #expect(form(jump: "").server?.jumpHost == nil)
    }

    @Test func anIdentityFileWithHiddenCharactersIsAProblem() {
        let form = form(jump: "", identity: "~/.ssh/id\u{202E}")
        #expect(form.problem(in: .identityFile, strict: false) == "This path cannot be used: it contains '<U+202E>', an invisible or control character")
        #expect(form.server == nil)
        #expect(self.form(jump: "", identity: "~/.ssh/id_ed25519").server?.identityFile == "~/.ssh/id_ed25519")
    }
}
