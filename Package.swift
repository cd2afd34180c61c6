// swift-tools-version: 6.0
import PackageDescription

/// Numeric kernels are 12–50× slower unoptimised (PLATFORM.md), so they are optimised even in debug.
let optimizedInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "SwiftNMT",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "nmt", targets: ["nmt"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        // C shims over system libraries (apt packages; see PLATFORM.md). CICU is a C target, not a
        // system-library module map, so that no Swift module ever sees ICU's headers (Sources/CICU/include/cicu.h).
        .target(name: "CICU", linkerSettings: [.linkedLibrary("icuuc")]),
        .systemLibrary(name: "CDNNL", providers: [.apt(["libdnnl-dev"])]),
        // Open MPI (apt libopenmpi-dev): a C target whose header includes no MPI header (Sources/CMPI/include/cmpi.h).
        .target(name: "CMPI", cSettings: [.unsafeFlags(["-I/usr/lib/x86_64-linux-gnu/openmpi/include"])],
                linkerSettings: [.linkedLibrary("mpi")]),

        // Crash-safe file writes (temporary name, fsync, rename, folder fsync): the one owner, POSIX only.
        .target(name: "DurableFiles"),
        // Fused elementwise kernels in C, each compiled for x86-64-v4, v3 and baseline and chosen at load time
        // (target_clones); their Swift twins in TensorKernels are the test oracles.
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3"])]),
        // The special tokens' ids and spellings, shared by the vocabulary, the model and search (which do not import each other).
        .target(name: "TokenIDs"),
        // JSON and XML text written by hand, escaped in one place.
        .target(name: "TextFormats"),
        .target(name: "TensorKernels", dependencies: ["CDNNL", "CKernels", "DurableFiles", "TextFormats"], swiftSettings: optimizedInDebug),
        .target(name: "Tokenization", dependencies: ["CICU", "DurableFiles", "TokenIDs"], swiftSettings: optimizedInDebug),
        .target(name: "Seq2SeqModel", dependencies: ["TensorKernels", "TokenIDs"], swiftSettings: optimizedInDebug),
        .target(name: "Evaluation", dependencies: ["TextFormats"]),
        .target(name: "Recipes", dependencies: ["TextFormats", .product(name: "Yams", package: "Yams")]),
        // The files of a model directory and the recipe-to-model mapping, below Training so that translation
        // and serving open a model without the trainer; checkpoint averaging.
        .target(name: "ModelFiles", dependencies: ["Seq2SeqModel", "Recipes", "TensorKernels", "DurableFiles"]),
        .target(name: "Decoding", dependencies: ["Seq2SeqModel", "Tokenization", "TensorKernels", "TokenIDs", "TextFormats"], swiftSettings: optimizedInDebug),
        .target(
            name: "Training",
            dependencies: ["ModelFiles", "Seq2SeqModel", "Tokenization", "Decoding", "Evaluation", "Recipes", "TensorKernels", "TextFormats"],
            swiftSettings: optimizedInDebug),
        .target(name: "MessagePassing", dependencies: ["CMPI", "Training", "TensorKernels"]),
        // `nmt serve`: HTTP routes, the per-model request queue with cross-request batching, metrics, the page.
        .target(
            name: "Serving",
            dependencies: [
                "Decoding", "Seq2SeqModel", "Tokenization",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "nmt",
            dependencies: [
                "MessagePassing", "Serving",
                "Tokenization", "Seq2SeqModel", "ModelFiles", "Training", "Decoding", "Evaluation", "Recipes", "TensorKernels", "CKernels",
                "DurableFiles",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // Writes the shipped corpora (corpora/reverse, corpora/toy-en-de): `swift run make-corpora`.
        .executableTarget(name: "make-corpora", path: "Tools/make-corpora"),
        // Tokenizer and BPE timings for BENCHMARKS.md: `swift run -c release tokenization-bench FILE [FILE2]`.
        .executableTarget(name: "tokenization-bench", dependencies: ["Tokenization"], path: "Tools/tokenization-bench",
                          exclude: ["compare.py"]),

        .executableTarget(
            name: "nmt-bench",
            dependencies: [
                "TensorKernels", "Seq2SeqModel", "ModelFiles", "Training", "Decoding", "Recipes", "Tokenization",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        .target(name: "TestSupport", dependencies: ["TensorKernels"], path: "Tests/TestSupport"),
        .testTarget(name: "TensorKernelsTests", dependencies: ["TensorKernels", "TestSupport"]),
        .testTarget(name: "DurableFilesTests", dependencies: ["DurableFiles", "TestSupport"]),
        .testTarget(name: "TokenizationTests", dependencies: ["Tokenization", "TestSupport"]),
        .testTarget(name: "Seq2SeqModelTests", dependencies: ["Seq2SeqModel", "TensorKernels", "TestSupport"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "TextFormats", "TestSupport"]),
        .testTarget(name: "RecipesTests", dependencies: ["Recipes", "TestSupport"]),
        .testTarget(name: "DecodingTests", dependencies: ["Decoding", "Seq2SeqModel", "TensorKernels", "Tokenization", "TestSupport"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "ModelFiles", "Decoding", "Evaluation", "Recipes", "Tokenization", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["nmt", "ModelFiles", "TensorKernels", "TestSupport"]),
        .testTarget(
            name: "ServingTests",
            dependencies: [
                "nmt", "Serving", "Decoding", "Seq2SeqModel", "Tokenization", "TensorKernels", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]),
    ]
)

// The libFuzzer harnesses (Tools/fuzz/run.sh builds them with -sanitize=fuzzer into .build-fuzz). They
// exist only in that build: libFuzzer supplies `main`, so an ordinary build could not link them.
if Context.environment["SWIFTNMT_FUZZ"] == "1" {
    package.targets.append(.executableTarget(
        name: "nmt-fuzz", dependencies: ["TensorKernels", "Seq2SeqModel", "Tokenization", "Recipes", "Evaluation"],
        path: "Tools/fuzz/harness"))
}
