import Foundation

/// Counts of this process's open file descriptors and threads, for tests
/// that repeat something and must not leak.
public enum ProcessResources {
    public static var openFileDescriptors: Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).count
    }

    public static var threads: Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []).count
    }
}
