import TensorKernels

extension AttentionDecoder {
    /// Everything one teacher-forced pass keeps for backward; `[T·B, ·]` time-major.
    public final class Cache {
        let steps: Int, batch: Int, sourceSteps: Int
        var inputIds: [Int32]  // [T·B] the ids actually fed (scheduled sampling may replace some)
        let embedded: FloatBuffer  // [T·B, E] after dropout
        var embeddingMask: [Float]?
        let gates, recurrent, hNew, query, alpha, z, a: FloatBuffer
        let cell: CellCache  // the LSTM's c (from the start state's), GRU's recurrent pre-activations
        let start: CellState  // [B, D] the state before step 0
        let aDropped: FloatBuffer  // [T·B, D] ã
        var aMask: [Float]?
        let source: [Int32]  // [B] = 0..<B
        let memory: AttentionMemory

        init(decoder d: AttentionDecoder, steps T: Int, batch B: Int, memory: AttentionMemory, start: CellState, ids: [Int32]) {
            let N = T * B, D = d.hidden
            steps = T; batch = B; sourceSteps = memory.steps
            inputIds = ids
            embedded = FloatBuffer(count: N * d.embedding.table.columns)
            gates = FloatBuffer(count: N * d.gateWidth); recurrent = FloatBuffer(count: N * d.recurrentWidth)
            cell = CellCache(rows: N, hidden: D, start: start)
            self.start = start
            hNew = FloatBuffer(count: N * D)
            query = FloatBuffer(count: N * d.attentionSize); alpha = FloatBuffer(count: N * memory.steps)
            z = FloatBuffer(count: N * d.zWidth); a = FloatBuffer(count: N * D); aDropped = FloatBuffer(count: N * D)
            source = (0..<B).map(Int32.init)
            self.memory = memory
        }

        func step(_ t: Int, _ d: AttentionDecoder) -> StepBuffers {
            let r = t * batch, D = d.hidden
            return StepBuffers(gates: gates.row(r, columns: d.gateWidth), recurrent: recurrent.row(r, columns: d.recurrentWidth),
                               cell: cell.step(row: r, after: previousRow(t), hidden: D),
                               hPrev: UnsafePointer(t == 0 ? start.h.pointer : hNew.row((t - 1) * batch, columns: D)),
                               hNew: hNew.row(r, columns: D),
                               query: query.row(r, columns: d.attentionSize), alpha: alpha.row(r, columns: sourceSteps),
                               z: z.row(r, columns: d.zWidth), a: a.row(r, columns: D))
        }

        /// The first row of step t − 1 (nil at step 0).
        func previousRow(_ t: Int) -> Int? { t == 0 ? nil : (t - 1) * batch }
    }

    /// Teacher-forced pass over all T steps; returns the cache whose `aDropped` `[T·B, D]` feeds the output layer.
    /// - Parameters:
    ///   - inputIds: `[T·B]` `<s> y₁ … y_n` padded
    ///   - start: `[B, D]` the first state, from the bridge (kept by the cache, not copied)
    ///   - teacherForcing: probability of feeding the gold token (1 = always); below 1, a row is fed the
    ///     model's own argmax prediction instead with probability 1 − ratio (scheduled sampling)
    func forward(_ store: ParameterStore, inputIds: [Int32], steps T: Int, batch B: Int, memory: AttentionMemory,
                 start: CellState, dropout: Float, teacherForcing: Float, generator: inout SeededGenerator?) -> Cache {
        let D = hidden, E = embedding.table.columns
        let cache = Cache(decoder: self, steps: T, batch: B, memory: memory, start: start, ids: inputIds)
        embedding.forward(store, ids: inputIds, out: cache.embedded.pointer)
        cache.embeddingMask = Dropout.makeMask(count: T * B * E, probability: dropout, generator: &generator)
        Dropout.apply(cache.embeddingMask, to: cache.embedded.pointer, count: T * B * E)
        cache.aMask = Dropout.makeMask(count: T * B * D, probability: dropout, generator: &generator)
        inputProjection(store, rows: T * B, x: cache.embedded.pointer, into: cache.gates.pointer)
        let recurrentWeight = product.prepared(store)
        for t in 0..<T {
            if t > 0, teacherForcing < 1, var sampling = generator {
                sampleOwnPredictions(store, cache: cache, step: t, ratio: teacherForcing, generator: &sampling)
                generator = sampling
            }
            let s = cache.step(t, self)
            let previousA = t == 0 ? nil : UnsafePointer(cache.aDropped.row((t - 1) * B, columns: D))
            step(store, rows: B, memory: memory, source: cache.source, recurrentWeight: recurrentWeight, previousA: previousA, s)
            Dropout.apply(cache.aMask, offset: t * B * D, to: s.a, into: cache.aDropped.row(t * B, columns: D), count: B * D)
        }
        return cache
    }

    /// Scheduled sampling: rows drawn with probability 1 − ratio get the argmax of the previous step's
    /// output as their input token; their embedding and input projection are recomputed.
    private func sampleOwnPredictions(_ store: ParameterStore, cache: Cache, step t: Int, ratio: Float,
                                      generator: inout SeededGenerator) {
        let B = cache.batch, D = hidden, E = embedding.table.columns, V = output.vocabulary, G = gateWidth
        let chosen = (0..<B).filter { b in generator.nextUnit() >= ratio && cache.inputIds[t * B + b] != SpecialTokens.pad }
        guard !chosen.isEmpty else { return }
        let logits = FloatBuffer(count: B * V)
        output.forward(store, rows: B, input: cache.aDropped.row((t - 1) * B, columns: D), logits: logits.pointer)
        for b in chosen {
            let row = logits.pointer + b * V
            var best = 0
            for j in 1..<V where row[j] > row[best] { best = j }
            let n = t * B + b
            cache.inputIds[n] = Int32(best)
            let x = cache.embedded.pointer + n * E
            x.update(from: store.value(embedding.table) + best * E, count: E)
            Dropout.apply(cache.embeddingMask, offset: n * E, to: x, count: E)
            inputProjection(store, rows: 1, x: x, into: cache.gates.pointer + n * G)
        }
    }

    /// The output layer over the teacher-forced steps: logits `[T·B, V]` from the dropped-out ã of `cache`.
    func logits(_ store: ParameterStore, cache: Cache, into logits: UnsafeMutablePointer<Float>) {
        output.forward(store, rows: cache.steps * cache.batch, input: cache.aDropped.pointer, logits: logits)
    }

    /// Backward of `logits` and `forward`, given dLogits `[T·B, V]`: the output layer's gradients, then
    /// everything `backward(_:cache:dADropped:dMemory:dStart:)` accumulates and writes.
    func backward(_ store: ParameterStore, cache: Cache, dLogits: UnsafePointer<Float>, dMemory: FloatBuffer, dStart: CellState) {
        let rows = cache.steps * cache.batch
        let dA = FloatBuffer(count: rows * hidden)
        output.backward(store, rows: rows, input: cache.aDropped.pointer, dLogits: dLogits, dInput: dA.pointer)
        backward(store, cache: cache, dADropped: dA, dMemory: dMemory, dStart: dStart)
    }

    /// Backward of `forward`, given dã `[T·B, D]` from the output layer. Accumulates every decoder
    /// parameter's gradient (attention's included) and dM `[S·B, 2H]`; writes dStart `[B, D]`, the gradient
    /// of the first state.
    func backward(_ store: ParameterStore, cache: Cache, dADropped: FloatBuffer, dMemory: FloatBuffer, dStart: CellState) {
        let T = cache.steps, B = cache.batch, D = hidden, A = attentionSize, Z = zWidth, W = cache.memory.width
        let rw = recurrentWidth, E = embedding.table.columns, G = gateWidth
        let dGates = FloatBuffer(count: T * B * G), dPre = FloatBuffer(count: T * B * D)
        let dCell = cache.cell.gradient(rows: T * B, hidden: D)
        let dQuery = FloatBuffer(count: T * B * A), dKeys = FloatBuffer(count: cache.memory.steps * B * A)
        let dz = FloatBuffer(count: B * Z), dh = FloatBuffer(count: B * D)
        // The gradient reaching the state step t wrote from step t + 1: h's (`dhCarry`) and the LSTM's dc.
        let dState = CellState(cell, rows: B, width: D), dhCarry = dState.h
        let dFeed = FloatBuffer(count: B * D), dRec = FloatBuffer(count: B * rw)
        let pass = FloatBuffer(count: B * D)
        let recurrentProduct = product.preparedForBackward(store), combineProduct = BackwardProduct(store, wc)
        let queryProduct = attention?.queryWeight.map { BackwardProduct(store, $0) }
        for t in stride(from: T - 1, through: 0, by: -1) {
            let s = cache.step(t, self), at = t * B
            // ã = a ⊙ mask; a = tanh(pre): dpre = (dã_out + dã_feed) ⊙ mask ⊙ (1 − a²)
            let dp = dPre.row(at, columns: D), dOut = dADropped.row(at, columns: D)
            for i in 0..<(B * D) {
                let m: Float = cache.aMask.map { $0[at * D + i] } ?? 1
                dp[i] = (dOut[i] + dFeed[i]) * m * (1 - s.a[i] * s.a[i])
            }
            // pre = z·Wc + b_c: dz = dpre·Wcᵀ; z = [ctx; h]
            combineProduct.multiply(store, rows: B, a: dp, lda: D, beta: 0, c: dz.pointer, ldc: Z)
            // h_t reaches the loss through z, through step t+1, and through attention's query.
            Rows.copy(dz.pointer + W, ldSource: Z, into: dh.pointer, ldDestination: D, rows: B, columns: D)
            Rows.add(dhCarry.pointer, into: dh.pointer, count: B * D)
            attention?.backward(store, memory: cache.memory, rows: B, query: s.query, source: cache.source,
                                alpha: s.alpha, dContext: dz.pointer, dContextStride: Z, dQuery: dQuery.row(at, columns: A),
                                queryProduct: queryProduct, dState: dh.pointer, dKeys: dKeys.pointer, dValues: dMemory.pointer)
            let dg = dGates.row(at, columns: G)
            let step = cache.cell.stepGradient(row: at, after: cache.previousRow(t), hidden: D, dState: dState, gradient: dCell)
            step.backward(batch: B, hidden: D, gates: s.gates, hPrev: s.hPrev, mask: nil, dh: dh.pointer, dGates: dg,
                          dhPass: pass.pointer)
            // [ã_{t−1}; h_{t−1}] feeds step t through Wr; h_{t−1} also directly (GRU: z ⊙ h_{t−1}).
            product.backward(store, weight: recurrentProduct, rows: B, dGates: dg, step: step, dInput: dRec.pointer, ld: rw, beta: 0)
            if inputFeeding {
                Rows.copy(dRec.pointer, ldSource: rw, into: dFeed.pointer, ldDestination: D, rows: B, columns: D)
            }
            Rows.copy(dRec.pointer + (inputFeeding ? D : 0), ldSource: rw, into: dhCarry.pointer, ldDestination: D,
                      rows: B, columns: D)
            Rows.add(pass.pointer, into: dhCarry.pointer, count: B * D)
        }
        dStart.update(from: dState)
        let N = T * B
        GEMM.multiply(transposeA: true, m: Z, n: D, k: N, a: cache.z.pointer, lda: Z, b: dPre.pointer, ldb: D, beta: 1,
                      c: store.gradient(wc), ldc: D)
        Rows.addColumnSums(dPre.pointer, rows: N, columns: D, ld: D, into: store.gradient(bc))
        attention?.backwardBatch(store, memory: cache.memory, rows: N, states: cache.hNew.pointer, dQueries: dQuery.pointer,
                                 dKeys: dKeys, dValues: dMemory)
        product.weightGradients(store, rows: N, input: cache.recurrent.pointer, ld: rw, dGates: dGates.pointer, cell: dCell)
        GEMM.multiply(transposeA: true, m: E, n: G, k: N, a: cache.embedded.pointer, lda: E, b: dGates.pointer,
                      ldb: G, beta: 1, c: store.gradient(wx), ldc: G)
        Rows.addColumnSums(dGates.pointer, rows: N, columns: G, ld: G, into: store.gradient(bias))
        let dEmbedded = FloatBuffer(count: N * E)
        GEMM.multiply(transposeB: true, m: N, n: E, k: G, a: dGates.pointer, lda: G, b: store.value(wx),
                      ldb: G, c: dEmbedded.pointer, ldc: E)
        Dropout.apply(cache.embeddingMask, to: dEmbedded.pointer, count: N * E)
        embedding.backward(store, ids: cache.inputIds, dOut: dEmbedded.pointer)
    }
}
