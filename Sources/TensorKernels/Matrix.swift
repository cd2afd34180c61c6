/// A row-major Float32 matrix: `values[r * columns + c]`. A value type; kernels take its storage
/// through `withUnsafe…` in small scopes (STYLE.md habit 12).
public struct Matrix: Sendable, Equatable {
    public private(set) var rows: Int
    public private(set) var columns: Int
    public var values: [Float]

    public init(rows: Int, columns: Int, repeating value: Float = 0) {
        precondition(rows >= 0 && columns >= 0, "Matrix shape [\(rows), \(columns)] is negative")
        self.rows = rows
        self.columns = columns
        self.values = [Float](repeating: value, count: rows * columns)
    }

    public init(rows: Int, columns: Int, values: [Float]) {
        precondition(values.count == rows * columns,
                     "Matrix [\(rows), \(columns)] needs \(rows * columns) values, got \(values.count)")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    public var count: Int { values.count }

    public subscript(row: Int, column: Int) -> Float {
        get { values[row * columns + column] }
        set { values[row * columns + column] = newValue }
    }

    /// Changes the shape, keeping storage when it is large enough (workspaces reused across batches).
    public mutating func reshape(rows: Int, columns: Int, zero: Bool = true) {
        let needed = rows * columns
        if values.count != needed {
            values = [Float](repeating: 0, count: needed)
        } else if zero {
            resetToZero()
        }
        self.rows = rows
        self.columns = columns
    }

    public mutating func resetToZero() {
        values.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            base.initialize(repeating: 0, count: buffer.count)
        }
    }

    /// Uniform values in [-scale, scale] from a seeded generator.
    public static func uniform(rows: Int, columns: Int, scale: Float, generator: inout SeededGenerator) -> Matrix {
        var m = Matrix(rows: rows, columns: columns)
        for i in 0..<m.values.count { m.values[i] = generator.nextUniform(in: -scale...scale) }
        return m
    }
}
