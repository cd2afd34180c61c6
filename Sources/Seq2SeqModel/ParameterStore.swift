import TensorKernels

/// A named `[rows, columns]` slice of the flat parameter buffer.
public struct ParameterView: Sendable, Equatable {
    public let name: String
    public let offset: Int
    public let rows: Int
    public let columns: Int
    public var count: Int { rows * columns }
}

/// Every parameter in one flat buffer, with its gradient in a second buffer of the same layout, so that
/// Adam, zeroing, clipping and checkpointing are each a single loop (STYLE.md habit 1).
public final class ParameterStore: @unchecked Sendable {
    public private(set) var views: [ParameterView] = []
    public let values: FloatBuffer
    public let gradients: FloatBuffer

    /// Lays out `shapes` in order.
    public init(shapes: [(String, Int, Int)]) {
        var offset = 0
        for (name, rows, columns) in shapes {
            views.append(ParameterView(name: name, offset: offset, rows: rows, columns: columns))
            offset += rows * columns
        }
        values = FloatBuffer(count: offset)
        gradients = FloatBuffer(count: offset)
    }

    public var count: Int { values.count }

    public func view(_ name: String) -> ParameterView {
        guard let v = views.first(where: { $0.name == name }) else { preconditionFailure("no parameter named \(name)") }
        return v
    }

    @inlinable public func value(_ view: ParameterView) -> UnsafeMutablePointer<Float> { values.pointer + view.offset }
    @inlinable public func gradient(_ view: ParameterView) -> UnsafeMutablePointer<Float> { gradients.pointer + view.offset }

    public func zeroGradients() { gradients.zero() }

    /// Uniform values in [-scale, scale], drawn in layout order from the seeded generator.
    public func initializeUniform(scale: Float, generator: inout SeededGenerator) {
        for i in 0..<values.count { values[i] = generator.nextUniform(in: -scale...scale) }
    }

    /// The parameter values by name (checkpoints).
    public func tensors() -> [String: SafeTensors.Tensor] {
        var result: [String: SafeTensors.Tensor] = [:]
        for v in views {
            result[v.name] = .init(floats: Array(UnsafeBufferPointer(start: value(v), count: v.count)), shape: [v.rows, v.columns])
        }
        return result
    }
}
