import TensorKernels

/// A bidirectional recurrent encoder (LSTM, GRU or RNN cells) with N layers. Layer l reads the previous layer's `[S·B, 2H]` output
/// (after dropout), layer 0 the source embeddings (after dropout). The top layer's output is the memory
/// M `[S·B, 2H]`: forward state in columns 0..<H, backward state in H..<2H, zero at padding.
public struct RecurrentEncoder: Sendable {
    public let embedding: Embedding
    public let layers: [(forward: RecurrentLayer, backward: RecurrentLayer)]
    public let hidden: Int
    public let cell: RecurrentCell

    static func shapes(_ c: ModelConfiguration) -> [(String, Int, Int)] {
        var shapes: [(String, Int, Int)] = [("source.embedding", c.sourceVocabularySize, c.embedding)]
        for l in 0..<c.encoderLayers {
            let input = l == 0 ? c.embedding : 2 * c.encoderHidden
            shapes += RecurrentLayer.shapes(prefix: "encoder.\(l).forward", cell: c.cell, input: input, hidden: c.encoderHidden)
            shapes += RecurrentLayer.shapes(prefix: "encoder.\(l).backward", cell: c.cell, input: input, hidden: c.encoderHidden)
        }
        return shapes
    }

    init(store: ParameterStore, configuration c: ModelConfiguration) {
        embedding = Embedding(table: store.view("source.embedding"))
        layers = (0..<c.encoderLayers).map { l in
            let input = l == 0 ? c.embedding : 2 * c.encoderHidden
            return (RecurrentLayer(store: store, prefix: "encoder.\(l).forward", cell: c.cell, input: input,
                                   hidden: c.encoderHidden, reverse: false),
                    RecurrentLayer(store: store, prefix: "encoder.\(l).backward", cell: c.cell, input: input,
                                   hidden: c.encoderHidden, reverse: true))
        }
        hidden = c.encoderHidden
        cell = c.cell
    }

    /// Each layer's cell sets its own start biases (`RecurrentCell.initializeBias`).
    func initializeBiases(_ store: ParameterStore, forgetBias: Float) {
        for (forward, backward) in layers {
            forward.initializeBias(store, forgetBias: forgetBias)
            backward.initializeBias(store, forgetBias: forgetBias)
        }
    }

    public final class Cache {
        let steps: Int, batch: Int
        let ids: [Int32]
        let mask: FloatBuffer  // [S·B]
        var inputs: [FloatBuffer] = []  // per layer, [S·B, In] after dropout
        var dropMasks: [[Float]?] = []  // per layer input
        var outputs: [FloatBuffer] = []  // per layer, [S·B, 2H]
        var caches: [(RecurrentLayer.Cache, RecurrentLayer.Cache)] = []
        /// The top layer's final state `[B, 2H]`: [forward | backward].
        let final: CellState
        /// The memory M `[S·B, 2H]`.
        public var memory: FloatBuffer { outputs[outputs.count - 1] }

        init(steps: Int, batch: Int, hidden: Int, cell: RecurrentCell, ids: [Int32], lengths: [Int32]) {
            self.steps = steps
            self.batch = batch
            self.ids = ids
            mask = FloatBuffer(count: steps * batch)
            for t in 0..<steps { for b in 0..<batch where t < Int(lengths[b]) { mask[t * batch + b] = 1 } }
            final = CellState(cell, rows: batch, width: 2 * hidden)
        }
    }

    /// - Parameters: ids: `[S·B]` time-major source ids; lengths: `[B]`; generator: for dropout (nil: no dropout)
    /// - Parameter keepsBackward: false at inference: nothing is kept for backward but the memory and the final states
    public func forward(_ store: ParameterStore, ids: [Int32], lengths: [Int32], steps S: Int, batch B: Int,
                        dropout: Float, generator: inout SeededGenerator?, keepsBackward: Bool = true) -> Cache {
        let H = hidden
        let cache = Cache(steps: S, batch: B, hidden: H, cell: cell, ids: ids, lengths: lengths)
        var input = FloatBuffer(count: S * B * embedding.table.columns)
        embedding.forward(store, ids: ids, out: input.pointer)
        for (l, layer) in layers.enumerated() {
            let width = l == 0 ? embedding.table.columns : 2 * H
            let mask = Dropout.makeMask(count: S * B * width, probability: dropout, generator: &generator)
            Dropout.apply(mask, to: input.pointer, count: S * B * width)
            let output = FloatBuffer(count: S * B * 2 * H)
            let f = layer.forward.forward(store, x: input.pointer, steps: S, batch: B, mask: cache.mask,
                                          output: output.pointer, outputStride: 2 * H, keepsBackward: keepsBackward)
            let r = layer.backward.forward(store, x: input.pointer, steps: S, batch: B, mask: cache.mask,
                                           output: output.pointer + H, outputStride: 2 * H, keepsBackward: keepsBackward)
            if keepsBackward {
                cache.inputs.append(input)
            } else {  // inference needs only the top layer: the memory and the final states
                cache.outputs.removeAll()
                cache.caches.removeAll()
            }
            cache.dropMasks.append(mask)
            cache.outputs.append(output)
            cache.caches.append((f, r))
            input = output
        }
        if let top = layers.last, let caches = cache.caches.last {
            top.forward.writeFinalState(caches.0, into: cache.final, column: 0, width: 2 * H)
            top.backward.writeFinalState(caches.1, into: cache.final, column: H, width: 2 * H)
        }
        return cache
    }

    /// - Parameters: dMemory: `[S·B, 2H]`; dFinal: `[B, 2H]` the gradient reaching `Cache.final`
    /// - Parameter probe: measures the gradient reaching step 0 through the forward direction, when given
    func backward(_ store: ParameterStore, cache: Cache, dMemory: FloatBuffer, dFinal: CellState,
                  probe: FirstStepGradientProbe? = nil) {
        let H = hidden, S = cache.steps, B = cache.batch
        var dOutput = dMemory
        /// Columns `column..<column+H` of dFinal as a `[B, H]` state.
        func split(_ column: Int) -> CellState {
            let part = CellState(cell, rows: B, width: H)
            for (to, from) in zip(part.buffers, dFinal.buffers) {
                Rows.copy(from.pointer + column, ldSource: 2 * H, into: to.pointer, ldDestination: H, rows: B, columns: H)
            }
            return part
        }
        for l in stride(from: layers.count - 1, through: 0, by: -1) {
            let width = l == 0 ? embedding.table.columns : 2 * H
            let top = l == layers.count - 1
            let (dForward, dReverse) = top ? (split(0), split(H)) : (CellState(cell, rows: B, width: H), CellState(cell, rows: B, width: H))
            let dInput = FloatBuffer(count: S * B * width), dBackward = FloatBuffer(count: S * B * width)
            layers[l].forward.backward(store, cache: cache.caches[l].0, x: cache.inputs[l].pointer, dOutput: dOutput.pointer,
                                       dOutputStride: 2 * H, dFinal: dForward, dx: dInput.pointer)
            if l == 0 { probe?.observe(gradient: dInput.pointer, mask: cache.dropMasks[0], rows: B, width: width) }
            layers[l].backward.backward(store, cache: cache.caches[l].1, x: cache.inputs[l].pointer,
                                        dOutput: dOutput.pointer + H, dOutputStride: 2 * H, dFinal: dReverse,
                                        dx: dBackward.pointer)
            Rows.add(dBackward.pointer, into: dInput.pointer, count: S * B * width)
            Dropout.apply(cache.dropMasks[l], to: dInput.pointer, count: S * B * width)
            dOutput = dInput
        }
        embedding.backward(store, ids: cache.ids, dOut: dOutput.pointer)
    }
}
