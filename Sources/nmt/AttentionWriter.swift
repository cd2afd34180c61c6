import Foundation
import DurableFiles
import Decoding
import TensorKernels

/// `--attention FILE` (one JSON object per sentence and line) and `--attention-svg DIR` (one heatmap
/// per sentence), both from `AttentionExport`.
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

    func add(index: Int, _ translation: Translator.Translation) throws {
        guard jsonPath != nil || svgFolder != nil, let best = translation.nBest.first,
              let alignment = AttentionAlignment(sentence: index, source: translation.sourceTokens,
                                                 target: translation.targetTokens, hypothesis: best.hypothesis)
        else { return }
        if jsonPath != nil { json += try AttentionExport.jsonLine(alignment) + "\n" }
        if let svgFolder {
            try AtomicFile.write(AttentionExport.svg(alignment), to: svgFolder + "/" + AttentionExport.svgFileName(sentence: index))
        }
    }

    func finish() throws {
        if let jsonPath { try AtomicFile.write(json, to: jsonPath) }
    }
}
