import Hummingbird
import NIOCore

/// The request context of `nmt serve`: Hummingbird's core storage plus the client's connection, whose
/// closing drops the request's queued sentences.
public struct ServerContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

/// One line per request on stderr (through `log`), and the request series of `ServerMetrics`:
///
///     127.0.0.1 POST /v1/translate 200 14.2 ms
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    let metrics: ServerMetrics
    let log: @Sendable (String) -> Void

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        func record(_ status: Int) {
            let elapsed = seconds(ContinuousClock.now - started)
            let client = context.channel.remoteAddress?.ipAddress ?? "-"
            let route = context.endpointPath ?? "unmatched"
            metrics.request(route: route, status: status, seconds: elapsed)
            log("\(client) \(request.method) \(request.uri.path) \(status) \(String(format: "%.1f", elapsed * 1000)) ms")
        }
        do {
            let response = try await next(request, context)
            record(response.status.code)
            return response
        } catch let error as any HTTPResponseError {
            record(error.status.code)
            throw error
        } catch {
            record(500)
            throw error
        }
    }
}
