import Foundation

public enum CurrentUser {
    /// The login name of the user running the tests; the harness' server
    /// lets that user in with the throwaway key.
    public static var name: String {
        guard let entry = getpwuid(getuid()), let name = entry.pointee.pw_name else { return "root" }
        return String(cString: name)
    }
}
