/// A TCP port as the protocol writes it: 1 to 65535 in decimal, without
/// leading zeros or a sign, so one port has one spelling in every path.
public enum PortNumber {
    public static func parse(_ text: String, role: String = "port") throws(AgentError) -> Int {
        let digits = Array(text.utf8)
        guard (1...5).contains(digits.count), digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              digits[0] != UInt8(ascii: "0"), let port = Int(text), port <= 65535
        else {
            throw .invalid("\(AgentError.quoted(text)) is not a \(role): use a number from 1 to 65535")
        }
        return port
    }
}
