import XCTest
@testable import Seq2SeqModel
import TensorKernels

/// What each cell carries from step to step: h for every cell, and a cell state c for the LSTM only.
final class CellStateTests: XCTestCase {
    func testEachCellCarriesOnlyItsOwnState() {
        for cell in RecurrentCell.allCases {
            let state = CellState(cell, rows: 2, width: 3)
            XCTAssertEqual(state.buffers.count, cell.hasCellState ? 2 : 1, "\(cell)")
            XCTAssertEqual(state.buffers.map(\.count), [Int](repeating: 6, count: state.buffers.count), "\(cell)")
            for (k, buffer) in state.buffers.enumerated() { for i in 0..<6 { buffer[i] = Float(10 * k + i) } }
            // Row 1 of `state` into row 0 of a zero state: every buffer moves, row 1 stays zero.
            let copy = CellState(cell, rows: 2, width: 3)
            copy.copyRow(1, of: state, to: 0, width: 3)
            for (k, buffer) in copy.buffers.enumerated() {
                XCTAssertEqual(buffer.array, [Float(10 * k + 3), Float(10 * k + 4), Float(10 * k + 5), 0, 0, 0], "\(cell) buffer \(k)")
            }
        }
    }

    /// The LSTM sets its forget block to the forget bias; the others keep their bias as it was.
    func testOnlyTheLSTMSetsAForgetBias() {
        for cell in RecurrentCell.allCases {
            let H = 2, bias = FloatBuffer([Float](repeating: 0.5, count: cell.gateCount * H))
            cell.initializeBias(bias.pointer, hidden: H, forgetBias: 1)
            var expected = [Float](repeating: 0.5, count: cell.gateCount * H)
            if cell == .lstm { expected[H..<(2 * H)] = [1, 1] }
            XCTAssertEqual(bias.array, expected, "\(cell)")
        }
    }
}
