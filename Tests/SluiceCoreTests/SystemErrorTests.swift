import Foundation
import SluiceCore
import Testing

/// A C call's failure in words: the call, the path, the C library's reason,
/// and for a descriptor shortage what to do about it.
@Suite struct SystemErrorTests {
    @Test func theCallThePathAndTheReasonAreSaid() {
        let error = SystemError(operation: "cannot open", path: "/tmp/x", code: EACCES)
        #expect(error.description == "cannot open /tmp/x: Permission denied")
    }

    @Test func aDescriptorShortageSaysWhatToDo() {
        #expect(SystemError(operation: "cannot make a pipe", code: EMFILE).description
                == "cannot make a pipe: Too many open files (this process's descriptor limit is reached: close connections, or raise it with ulimit -n)")
        #expect(SystemError(operation: "socket", code: ENFILE).description
                == "socket: Too many open files in system (the system's descriptor limit is reached)")
    }
}
