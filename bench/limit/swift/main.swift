// The Swift HTTP transport with a trivial handler, for comparison with bench/limit/limit.c.
// Usage: http-trivial-bench PORT   (stops on SIGTERM or SIGINT)
import HTTP
#if canImport(Glibc)
    import Glibc
#endif

let arguments = CommandLine.arguments
guard arguments.count == 2, let port = UInt16(arguments[1]) else {
    print("usage: http-trivial-bench PORT")
    exit(2)
}

// Block the stop signals before the server's threads start, so sigwait below receives them.
var stopSignals = sigset_t()
sigemptyset(&stopSignals)
sigaddset(&stopSignals, SIGTERM)
sigaddset(&stopSignals, SIGINT)
pthread_sigmask(SIG_BLOCK, &stopSignals, nil)

var configuration = HTTPServer.Configuration()
configuration.port = port
let server = HTTPServer(configuration: configuration, handler: TrivialHandler())
do {
    try server.start()
} catch {
    print("http-trivial-bench: \(error)")
    exit(1)
}
var received: Int32 = 0
sigwait(&stopSignals, &received)
server.shutdown(gracePeriodSeconds: 1)
