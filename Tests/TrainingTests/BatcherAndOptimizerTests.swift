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
