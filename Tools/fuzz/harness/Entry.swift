import Foundation

/// The program: libFuzzer's driver, with the harness `NMT_FUZZ_HARNESS` names (Tools/fuzz/run.sh sets it)
/// and libFuzzer's usual flags. One binary holds every harness. A harness returns normally for any input the code under test rejects with an error, and
/// traps (`fatalError`) when a property that must hold for every accepted input fails, so libFuzzer
/// reports it like a crash.
@main
struct FuzzMain {
    static func main() {
        _ = selectedHarness
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOneInput))
    }
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// One input: what libFuzzer calls.
func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    selectedHarness.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

let selectedHarness: Harness = {
    let name = ProcessInfo.processInfo.environment["NMT_FUZZ_HARNESS"] ?? ""
    guard let harness = Harness(rawValue: name) else {
        FileHandle.standardError.write(Data("set NMT_FUZZ_HARNESS to one of: \(Harness.allCases.map(\.rawValue).joined(separator: " "))\n".utf8))
        exit(2)
    }
    return harness
}()

enum Harness: String, CaseIterable {
    case safetensors, checkpoint, vocabulary, merges, recipe, tokenizer, detokenizer, bleu

    func run(_ bytes: [UInt8]) {
        switch self {
        case .safetensors: SafeTensorsHarness.run(bytes)
        case .checkpoint: CheckpointHarness.run(bytes)
        case .vocabulary: VocabularyHarness.run(bytes)
        case .merges: MergesHarness.run(bytes)
        case .recipe: RecipeHarness.run(bytes)
        case .tokenizer: TokenizerHarness.run(bytes)
        case .detokenizer: DetokenizerHarness.run(bytes)
        case .bleu: BLEUHarness.run(bytes)
        }
    }
}

/// Traps with `message` unless `condition` holds: a property violation is a finding.
func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}
