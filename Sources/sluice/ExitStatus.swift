import Foundation
import SluiceCore
import SluiceService
import SluiceTerminal

/// The exit statuses Sluice promises scripts (sysexits.h): 0 ok, 64 the
/// command line was wrong, 65 the store or an ssh config is not a file
/// Sluice can read (broken, not UTF-8, a FIFO, too large), 69 no engine
/// runs for the store (status, stop), 75 one already runs (up), 1
/// anything else.
enum ExitStatus {
    static let usage: Int32 = 64
    static let badData: Int32 = 65
    static let noEngine: Int32 = 69
    static let engineRunning: Int32 = 75
    static let failure: Int32 = 1

    struct Failure: Error {
        var message: String
        var code: Int32
    }

    /// The message and status for an error Sluice knows, or nil to let
    /// ArgumentParser report its own.
    static func failure(for error: Error) -> Failure? {
        switch error {
        case let failure as Failure:
            return failure
        case let error as SluiceError:
            return Failure(message: error.description, code: usage)
        case let error as ForwardSpecError:
            return Failure(message: error.description, code: usage)
        case let error as StoreError:
            switch error {
            case .malformed, .invalid, .newerVersion, .unusable:
                return Failure(message: error.description, code: badData)
            case .unreadable, .unwritable:
                return Failure(message: error.description, code: failure)
            }
        case let error as ControlError:
            switch error {
            case .notRunning: return Failure(message: error.description, code: noEngine)
            case .alreadyRunning: return Failure(message: error.description, code: engineRunning)
            default: return Failure(message: error.description, code: failure)
            }
        case let error as TerminalError:
            return Failure(message: error.description, code: failure)
        case let error as SystemError:
            return Failure(message: error.description, code: failure)
        case let error as SSHConfigError:
            switch error {
            case .unknownHosts:
                return Failure(message: error.description, code: usage)
            case .syntax, .unusable:
                return Failure(message: error.description, code: badData)
            case .unreadable:
                return Failure(message: error.description, code: failure)
            }
        default:
            return nil
        }
    }
}
