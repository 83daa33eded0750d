/// The services every tunnel leads to, on 127.0.0.1 in this process.
struct Services {
    let bulk: BulkServer
    let echo: EchoServer
    let page: PageServer

    init() throws {
        bulk = try BulkServer()
        echo = try EchoServer()
        page = try PageServer()
    }
}
