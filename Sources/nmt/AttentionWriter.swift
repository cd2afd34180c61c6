import Foundation
import Decoding
import TensorKernels

/// `--attention FILE` (one JSON object per sentence and line) and `--attention-svg DIR` (one heatmap
/// per sentence, source tokens across, target tokens down, darker = more attention).
final class AttentionWriter {
    private let jsonPath: String?
    private let svgFolder: String?
    private var json = ""

    init(jsonPath: String?, svgFolder: String?) throws {
        self.jsonPath = jsonPath
        self.svgFolder = svgFolder
        if let svgFolder {
            do { try FileManager.default.createDirectory(atPath: svgFolder, withIntermediateDirectories: true) }
            catch { throw CLIError.message("cannot create the folder \(svgFolder) for --attention-svg: \(error.localizedDescription)") }
        }
    }

    /// Rows of the matrix: one per target token plus `</s>`; columns: the source tokens.
    func add(index: Int, _ translation: Translator.Translation) throws {
        guard jsonPath != nil || svgFolder != nil else { return }
        let source = translation.sourceTokens
        let target = translation.targetTokens + ["</s>"]
        let rows = (translation.nBest.first?.hypothesis.attention ?? []).prefix(target.count).map { Array($0.prefix(source.count)) }
        if jsonPath != nil {
            let matrix = rows.map { "[" + $0.map { String(format: "%.4f", $0) }.joined(separator: ",") + "]" }.joined(separator: ",")
            json += "{\"index\":\(index),\"source\":[\(source.map(jsonString).joined(separator: ","))],"
                + "\"target\":[\(target.map(jsonString).joined(separator: ","))],\"attention\":[\(matrix)]}\n"
        }
        if let svgFolder {
            try AtomicFile.write(Self.svg(source: source, target: target, rows: rows),
                                 to: svgFolder + "/" + String(format: "%05d", index + 1) + ".svg")
        }
    }

    func finish() throws {
        if let jsonPath { try AtomicFile.write(json, to: jsonPath) }
    }

    static func svg(source: [String], target: [String], rows: [[Float]]) -> String {
        let cell = 28, left = 12 + 8 * min(24, target.map(\.count).max() ?? 1), top = 12 + 7 * min(24, source.map(\.count).max() ?? 1)
        let width = left + cell * max(source.count, 1) + 10, height = top + cell * max(target.count, 1) + 10
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" font-family=\"sans-serif\" font-size=\"12\">\n"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        for (j, token) in source.enumerated() {
            let x = left + j * cell + cell / 2
            out += "<text transform=\"translate(\(x),\(top - 6)) rotate(-60)\">\(escape(token))</text>\n"
        }
        for (i, token) in target.enumerated() {
            out += "<text x=\"\(left - 6)\" y=\"\(top + i * cell + cell / 2 + 4)\" text-anchor=\"end\">\(escape(token))</text>\n"
            for j in source.indices {
                let w = i < rows.count && j < rows[i].count ? rows[i][j] : 0
                out += "<rect x=\"\(left + j * cell)\" y=\"\(top + i * cell)\" width=\"\(cell)\" height=\"\(cell)\" "
                    + "fill=\"#08306b\" fill-opacity=\"\(String(format: "%.3f", w))\" stroke=\"#ddd\"><title>\(String(format: "%.3f", w))</title></rect>\n"
            }
        }
        return out + "</svg>\n"
    }

    private static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}

private func jsonString(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        default:
            if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
        }
    }
    return out + "\""
}
