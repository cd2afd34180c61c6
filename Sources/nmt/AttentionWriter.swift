import Foundation
import DurableFiles
import Decoding
import TensorKernels

/// `--attention FILE` (one JSON object per sentence and line) and `--attention-svg DIR` (one heatmap
/// per sentence), both from `AttentionExport`. The JSON Lines file is written as translation goes (under a
/// temporary name, put in place by `finish`), so it holds no more than a buffer in memory.
final class AttentionWriter {
    private let json: LineOutput?
    private let svgFolder: String?

    init(jsonPath: String?, svgFolder: String?) throws {
        json = try jsonPath.map { try LineOutput(path: $0) }
        self.svgFolder = svgFolder
        if let svgFolder {
            do { try FileManager.default.createDirectory(atPath: svgFolder, withIntermediateDirectories: true) }
            catch { throw CLIError.message("cannot create the folder \(svgFolder) for --attention-svg: \(error.localizedDescription)") }
        }
    }

    func add(index: Int, _ translation: Translator.Translation) throws {
        guard json != nil || svgFolder != nil, let best = translation.nBest.first,
              let alignment = AttentionAlignment(sentence: index, source: translation.sourceTokens,
                                                 target: translation.targetTokens, hypothesis: best.hypothesis)
        else { return }
        try json?.write(line: try AttentionExport.jsonLine(alignment))
        if let svgFolder {
            try AtomicFile.write(AttentionExport.svg(alignment), to: svgFolder + "/" + AttentionExport.svgFileName(sentence: index))
        }
    }

    func finish() throws {
        try json?.finish()
    }
}
