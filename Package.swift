// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Sluice",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "sluice", targets: ["sluice"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Agent forwards (WebSocket, HTTP, TLS): only in their own modules.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibSSH",
            pkgConfig: "libssh",
            providers: [.apt(["libssh-dev"])]
        ),
        // ncursesw's pkg-config flags (-D_XOPEN_SOURCE) are refused by SwiftPM;
        // shim.h sets what the wide-character API needs instead.
        .systemLibrary(name: "CNcursesw"),
        .target(name: "SluiceCore", dependencies: ["CDescriptors"]),
        // Workarounds for libssh 0.10's costs, measured with make bench:
        // see each C file's header.
        .target(name: "CSessionSocket"),
        // accept4() and pipe2(), which Swift's Glibc module does not import.
        .target(name: "CDescriptors"),
        .target(name: "SluiceSSH", dependencies: ["SluiceCore", "CLibSSH", "CSessionSocket", "CDescriptors"]),
        .target(name: "SluiceTUI", dependencies: ["SluiceCore"]),
        // The control protocol's messages, shared by the engine and its clients.
        .target(name: "SluiceControl", dependencies: ["SluiceCore"]),
        // The engine as a service: its control socket, lock, store watch and
        // where its questions go.
        .target(name: "SluiceService", dependencies: ["SluiceControl", "SluiceCore", "SluiceSSH", "CDescriptors"]),
        .target(name: "SluiceTerminal", dependencies: ["SluiceTUI", "CNcursesw"]),
        // setns(), for the agent's connections into network namespaces.
        .target(name: "CNetworkNamespace"),
        // What both ends of the agent transport do the same way on swift-nio
        // (connecting, buffers, reading frames); used only by SluiceAgent and
        // SluiceWebSocket.
        .target(
            name: "SluiceNIOSupport",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ]
        ),
        // `sluice agent`: the WebSocket endpoint of docs/agent-protocol.md.
        // NIO stays inside this module; the rest of Sluice keeps its threads.
        .target(
            name: "SluiceAgent",
            dependencies: [
                "SluiceCore",
                "CDescriptors",
                "CNetworkNamespace",
                "SluiceNIOSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // Agent forwards over WebSocket (docs/agent-protocol.md): swift-nio
        // stays inside this module; its callers see plain values and errors.
        .target(
            name: "SluiceWebSocket",
            dependencies: [
                "SluiceCore",
                "CDescriptors",
                "SluiceNIOSupport",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .executableTarget(
            name: "sluice",
            dependencies: [
                "SluiceCore",
                "SluiceSSH",
                "SluiceTUI",
                "SluiceTerminal",
                "SluiceControl",
                "SluiceService",
                "SluiceAgent",
                "SluiceWebSocket",
                "CDescriptors",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "SluiceTestSupport", dependencies: ["CDescriptors"], path: "Tests/SluiceTestSupport"),
        // make bench: Sluice beside OpenSSH (bench/README.md).
        .target(name: "CPseudoTerminal", path: "bench/Sources/CPseudoTerminal"),
        .executableTarget(
            name: "sluice-bench",
            dependencies: [
                "SluiceCore",
                "SluiceTestSupport",
                "CPseudoTerminal",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "bench/Sources/SluiceBench"
        ),
        .testTarget(name: "SluiceCoreTests", dependencies: ["SluiceCore", "SluiceTestSupport"]),
        .testTarget(name: "HarnessTests", dependencies: ["SluiceTestSupport"]),
        .testTarget(name: "SluiceControlTests", dependencies: ["SluiceControl", "SluiceService", "SluiceCore"]),
        .testTarget(name: "SluiceTUITests", dependencies: ["SluiceTUI", "SluiceCore"], exclude: ["Snapshots"]),
        .testTarget(name: "SluiceTerminalTests", dependencies: ["SluiceTerminal", "SluiceTUI"]),
        .testTarget(name: "SluiceSSHTests", dependencies: ["SluiceSSH", "SluiceCore", "SluiceTestSupport", "CSessionSocket"]),
        .testTarget(
            name: "SluiceAgentTests",
            dependencies: [
                "SluiceAgent",
                "SluiceCore",
                "SluiceNIOSupport",
                "SluiceTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "SluiceWebSocketTests",
            dependencies: [
                "SluiceWebSocket",
                "SluiceNIOSupport",
                "SluiceCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "SluiceCLITests", dependencies: ["sluice", "SluiceCore", "SluiceControl", "SluiceService", "SluiceTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
