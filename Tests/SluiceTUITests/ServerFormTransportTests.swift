@testable import SluiceTUI
import SluiceCore
import Testing

/// The server form's last two fields follow the transport typed: a key
/// path never becomes an agent's token file, nor a token file an SSH key.
@Suite struct ServerFormTransportTests {
    @Test func typingAnAgentsAddressClearsTheSSHFieldsAndTheirLabelsChange() {
        var form = ServerForm()
        form.name = TextField("node1")
        form.destination = TextField("deploy@db")
        form.identityFile = TextField("~/.ssh/id_ed25519")
        form.jumpHost = TextField("bastion")
        #expect(form.label(of: .identityFile) == "Identity file")
        form.destination = TextField()
        for character in "ws://10.0.0.5:9090" { _ = form.edit(.destination, with: .character(character)) }
        #expect(form.identityFile.text.isEmpty && form.jumpHost.text.isEmpty)
        #expect(form.label(of: .identityFile) == "Token file" && form.label(of: .jumpHost) == "CA file")
        form.identityFile = TextField("~/.config/sluice/node1.token")
        let server = form.server
        #expect(server?.address == .agent(AgentURL(host: "10.0.0.5", port: 9090)))
        #expect(server?.tokenFile == "~/.config/sluice/node1.token" && server?.identityFile == nil)
    }

    @Test func editingAnAgentServerShowsItsTokenAndCAFiles() {
        let node = Server(name: "node1", address: .agent(AgentURL(isSecure: true, host: "n", port: 443)), tokenFile: "~/t", caFile: "~/ca.pem")
        let form = ServerForm(editing: node)
        #expect(form.destination.text == "wss://n:443")
        #expect(form.identityFile.text == "~/t" && form.jumpHost.text == "~/ca.pem")
        #expect(form.server == Server(name: "node1", address: node.address, tokenFile: "~/t", caFile: "~/ca.pem"))
    }
}
