import Hummingbird
import Logging
import NIOCore

/// `nmt serve`'s server: the routes on Hummingbird, until SIGTERM or SIGINT.
public enum Server {
    /// Serves until SIGTERM or SIGINT, then stops taking connections, lets the requests in flight finish,
    /// lets the workers finish what is queued and returns.
    /// - Parameters:
    ///   - log: where the per-request lines and the start-up line go (stderr in `nmt`).
    ///   - listening: called with the bound port once the server accepts connections (`--port 0` picks one).
    public static func run(service: TranslationService, log: @escaping @Sendable (String) -> Void,
                           listening: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        let settings = service.settings
        var logger = Logger(label: "nmt-serve") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning
        let app = Application(
            router: Routes.router(service: service, log: log),
            server: .http1(configuration: .init(additionalChannelHandlers: [ClientCloseHandler(watch: service.connections)])),
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: nil),
            onServerRunning: { channel in listening(channel.localAddress?.port ?? settings.port) },
            logger: logger)
        do {
            try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        } catch {
            service.shutdown()
            throw error
        }
        service.shutdown()
    }
}
