import Foundation
import Hummingbird

/// Everything a request can get wrong, or the server can refuse, with the HTTP status it answers.
/// The body is `{"status": "error", "error": MESSAGE}`, the shape OpenNMT-py's server uses for errors.
public enum ServingError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The body is not UTF-8: `offset` is the first bad byte.
    case invalidUTF8(offset: Int)
    /// The body is not JSON, or not the JSON the route expects (`detail` names the field).
    case invalidJSON(detail: String)
    /// A field the route does not know; `known` lists the ones it does.
    case unknownField(name: String, known: [String])
    /// A field with a value out of range, e.g. `beam: 0`.
    case invalidValue(field: String, detail: String)
    /// No model of that name or id; `known` lists the served ones.
    case unknownModel(name: String, known: [String])
    /// The body is longer than `limit` bytes.
    case bodyTooLarge(limit: Int)
    /// More sentences in one request than `limit`.
    case tooManySentences(count: Int, limit: Int)
    /// The model's queue is full; try again after `retryAfter` seconds.
    case queueFull(model: String, retryAfter: Int)
    /// The request did not finish within `seconds`.
    case deadlineExceeded(seconds: Double)
    /// The client closed its connection before the answer (logged as nginx's 499; nobody reads it).
    case clientClosed
    /// The server is shutting down and takes no new work.
    case shuttingDown
    /// Search failed (a bug, not the client's fault).
    case internalError(detail: String)

    public var description: String {
        switch self {
        case let .invalidUTF8(offset):
            return "the request body is not valid UTF-8 (first bad byte at offset \(offset)); send UTF-8 text"
        case let .invalidJSON(detail):
            return "invalid JSON: \(detail)"
        case let .unknownField(name, known):
            return "unknown field `\(name)`; the known fields are \(known.map { "`\($0)`" }.joined(separator: ", "))"
        case let .invalidValue(field, detail):
            return "invalid `\(field)`: \(detail)"
        case let .unknownModel(name, known):
            return "no model `\(name)`; this server has \(known.map { "`\($0)`" }.joined(separator: ", "))"
        case let .bodyTooLarge(limit):
            return "the request body is larger than \(limit) bytes; send fewer or shorter sentences per request"
        case let .tooManySentences(count, limit):
            return "\(count) sentences in one request, more than the limit of \(limit); split the request"
        case let .queueFull(model, retryAfter):
            return "the queue of model `\(model)` is full; retry after \(retryAfter) s"
        case let .deadlineExceeded(seconds):
            return "the translation did not finish within the deadline of \(formatSeconds(seconds)) s"
        case .clientClosed:
            return "the client closed the connection before the answer"
        case .shuttingDown:
            return "the server is shutting down"
        case let .internalError(detail):
            return "translation failed: \(detail)"
        }
    }

    public var status: HTTPResponse.Status {
        switch self {
        case .invalidUTF8, .invalidJSON, .unknownField, .invalidValue, .unknownModel: return .badRequest
        case .bodyTooLarge, .tooManySentences: return .contentTooLarge
        case .queueFull, .shuttingDown: return .serviceUnavailable
        case .deadlineExceeded: return .gatewayTimeout
        case .internalError: return .internalServerError
        case .clientClosed: return HTTPResponse.Status(code: 499, reasonPhrase: "Client Closed Request")
        }
    }
}

extension ServingError: HTTPResponseError {
    public var headers: HTTPFields {
        var fields: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        switch self {
        case let .queueFull(_, retryAfter): fields[.retryAfter] = String(retryAfter)
        case .shuttingDown: fields[.retryAfter] = "1"
        default: break
        }
        return fields
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = try JSONSerialization.data(withJSONObject: ["status": "error", "error": description], options: [.sortedKeys])
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// Seconds for a message: whole numbers without decimals.
func formatSeconds(_ seconds: Double) -> String {
    seconds == seconds.rounded() ? String(Int(seconds)) : String(format: "%.3g", seconds)
}
