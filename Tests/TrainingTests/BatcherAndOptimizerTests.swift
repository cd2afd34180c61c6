import XCTest
import Recipes
import Seq2SeqModel
import TensorKernels
import Training
import TestSupport

final class BatcherAndOptimizerTests: XCTestCase {
    func testBatchesRespectTheBudgetCoverEveryExampleOnceAndAreReproducible() {
        let examples = TrainerTests.reversal(count: 500, seed: 5) + [ParallelExample(source: Array(repeating: 4, count: 30), target: [5])]
        let batcher = Batcher(examples: examples, maxLength: 20, batchTokens: 50, batchSentences: 0)
        XCTAssertEqual(batcher.filtered, 1)
        let epoch = batcher.batches(epoch: 0, seed: 9)
        XCTAssertEqual(epoch.flatMap { $0 }.sorted(), Array(0..<500))
        for batch in epoch {
            let longest = batch.map { max(batcher.examples[$0].source.count, batcher.examples[$0].target.count + 1) }.max()!
            XCTAssertLessThanOrEqual(longest * batch.count, 50)
        }
        XCTAssertEqual(batcher.batches(epoch: 0, seed: 9), epoch)
        XCTAssertNotEqual(batcher.batches(epoch: 1, seed: 9), epoch)
        let bySentences = Batcher(examples: examples, maxLength: 20, batchTokens: 1, batchSentences: 16)
        XCTAssertTrue(bySentences.batches(epoch: 0, seed: 1).allSatisfy { $0.count <= 16 })
    }

    /// Adam's first step moves each weight by lr·sign(g) (m̂ = g, v̂ = g²), up to ε.
    func testAdamFirstStepAndClipping() {
        let store = ParameterStore(shapes: [("w", 1, 3)])
        store.gradients[0] = 2; store.gradients[1] = -0.5; store.gradients[2] = 0
        let adam = Adam(count: 3)
        adam.update(store, learningRate: 0.1)
        XCTAssertEqual(store.values[0], -0.1, accuracy: 1e-6)
        XCTAssertEqual(store.values[1], 0.1, accuracy: 1e-6)
        XCTAssertEqual(store.values[2], 0)
        store.gradients[0] = 3; store.gradients[1] = 4; store.gradients[2] = 0
        XCTAssertEqual(GradientClipping.clip(store, maxNorm: 1), 5, accuracy: 1e-6)
        XCTAssertEqual(store.gradients[0], 0.6, accuracy: 1e-6)
        XCTAssertEqual(store.gradients[1], 0.8, accuracy: 1e-6)
    }

    /// The fused C update (clip factor, Adam, zeroing) against the Swift loop over three steps, on a
    /// size that is not a multiple of its 4,096-element blocks; the norm is the same on one and two threads.
    func testFusedAdamMatchesTheSwiftLoopAndZeroesTheGradients() {
        let n = 10_001
        let fast = ParameterStore(shapes: [("w", 1, n)]), slow = ParameterStore(shapes: [("w", 1, n)])
        let fastAdam = Adam(count: n), slowAdam = Adam(count: n)
        let start = GradientCheck.randomWeights(n, seed: 3)
        for i in 0..<n { fast.values[i] = start[i]; slow.values[i] = start[i] }
        for step in 0..<3 {
            let g = GradientCheck.randomWeights(n, seed: UInt64(10 + step))
            for i in 0..<n { fast.gradients[i] = g[i]; slow.gradients[i] = g[i] }
            let saved = GEMM.threadsOfThisThread
            GEMM.threadsOfThisThread = 1
            let normOne = GradientClipping.norm(fast)
            GEMM.threadsOfThisThread = 2
            let normTwo = GradientClipping.norm(fast)
            GEMM.threadsOfThisThread = saved
            XCTAssertEqual(normOne, normTwo)
            let expected = Float(g.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot())
            XCTAssertEqual(normOne, expected, accuracy: 1e-4 * expected)
            let scale = GradientClipping.scale(norm: normOne, maxNorm: 10)
            XCTAssertLessThan(scale, 1)
            fastAdam.update(fast, learningRate: 0.01, gradientScale: scale, zeroGradients: true)
            slowAdam.referenceUpdate(slow, learningRate: 0.01, gradientScale: scale)
            XCTAssertTrue((0..<n).allSatisfy { fast.gradients[$0] == 0 })
        }
        let worst = (0..<n).map { abs(fast.values[$0] - slow.values[$0]) }.max() ?? 0
        XCTAssertLessThan(worst, 1e-6)
        XCTAssertNotEqual(fast.values[0], start[0])
    }

    func testLearningRateSchedules() {
        var options = TrainSection()
        options.learningRate = 1
        options.lrSchedule = .warmup_decay
        options.warmupSteps = 100
        var s = LearningRateScheduler(options)
        XCTAssertEqual(s.rate(step: 50), 0.5, accuracy: 1e-12)
        XCTAssertEqual(s.rate(step: 400), 0.5, accuracy: 1e-12)
        options.lrSchedule = .plateau
        options.lrPatience = 2
        options.lrDecay = 0.5
        s = LearningRateScheduler(options)
        s.validated(improved: false)
        XCTAssertEqual(s.rate(step: 1), 1)
        s.validated(improved: false)
        XCTAssertEqual(s.rate(step: 1), 0.5)
        s.validated(improved: true)
        s.validated(improved: false)
        XCTAssertEqual(s.rate(step: 1), 0.5)
    }
}
