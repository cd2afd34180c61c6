import XCTest
@testable import Training

final class TrainingPlotTests: XCTestCase {
    let metrics = """
        {"event":"train","step":10,"loss":4.0,"grad_norm":2.5,"elapsed":30.0}
        {"event":"train","step":20,"loss":3.0,"grad_norm":null,"elapsed":60.0}
        {"event":"valid","step":20,"ppl":12.5,"bleu":7.25,"elapsed":66.0}
        not json
        """

    func testCurvesReadTrainAndValidEventsByTimeOrStep() {
        let byTime = TrainingCurves(name: "run", metricsJSONL: metrics, byStep: false)
        XCTAssertEqual(byTime.series["loss"]?.map(\.x), [0.5, 1.0])
        XCTAssertEqual(byTime.series["loss"]?.map(\.y), [4.0, 3.0])
        XCTAssertEqual(byTime.series["grad_norm"]?.map(\.y), [2.5], "null values are left out")
        XCTAssertEqual(byTime.series["bleu"]?.map(\.x), [1.1])
        let byStep = TrainingCurves(name: "run", metricsJSONL: metrics, byStep: true)
        XCTAssertEqual(byStep.series["ppl"]?.map(\.x), [20])
        XCTAssertEqual(byStep.series["ppl"]?.map(\.y), [12.5])
    }

    func testSVGHasOnePanelPerMetricWithDataAndOneLinePerRun() {
        let a = TrainingCurves(name: "a & b", metricsJSONL: metrics, byStep: false)
        let b = TrainingCurves(name: "only-train", metricsJSONL: #"{"event":"train","step":1,"loss":1,"elapsed":1}"#, byStep: false)
        let svg = TrainingPlot.svg([a, b], xLabel: "minutes")
        XCTAssertTrue(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>\n"))
        XCTAssertTrue(svg.contains("a &amp; b"), "run names are escaped")
        for title in ["validation BLEU", "training loss", "validation perplexity", "gradient norm"] {
            XCTAssertTrue(svg.contains(title), title)
        }
        // loss: two runs; grad_norm, bleu, ppl: run a only.
        XCTAssertEqual(svg.components(separatedBy: "<polyline").count - 1, 5)
    }

    /// Every panel shares one x axis: the validation panel (its last point at 1.1 minutes) ticks as far as the
    /// loss panel (whose other run reaches 4 minutes), and the run's path is its name's tooltip.
    func testPanelsShareTheXAxisAndRunsShowTheirPathOnHover() throws {
        let a = TrainingCurves(name: "lstm", path: "runs/a", metricsJSONL: metrics, byStep: false)
        let b = TrainingCurves(name: "gru", path: "runs/b", metricsJSONL: #"{"event":"train","step":1,"loss":1,"elapsed":240}"#, byStep: false)
        let svg = TrainingPlot.svg([a, b], xLabel: "minutes")
        XCTAssertTrue(svg.contains("<title>runs/a</title>lstm") && svg.contains("<title>runs/b</title>gru"), svg)
        let ticks = try NSRegularExpression(pattern: #"text-anchor="middle">([0-9.]+)</text>"#)
            .matches(in: svg, range: NSRange(svg.startIndex..., in: svg))
            .compactMap { Range($0.range(at: 1), in: svg).flatMap { Double(svg[$0]) } }
        let panels = 4  // bleu, loss, ppl, grad_norm
        XCTAssertEqual(ticks.count % panels, 0)
        let perPanel = ticks.count / panels
        let rows = (0..<panels).map { Array(ticks[($0 * perPanel)..<(($0 + 1) * perPanel)]) }
        XCTAssertTrue(rows.allSatisfy { $0 == rows[0] }, "\(rows)")
        XCTAssertGreaterThanOrEqual(rows[0].max() ?? 0, 4)
    }

    func testAxisTicksAreRoundAndCoverTheData() {
        let axis = TrainingPlot.Axis([0.3, 7.9])
        XCTAssertEqual(axis.low, 0)
        XCTAssertEqual(axis.high, 8)
        XCTAssertEqual(axis.ticks, [0, 2, 4, 6, 8])
        XCTAssertEqual(TrainingPlot.Axis([-2.4, -1.7], minimumStep: 1).ticks, [-3, -2, -1], "log panels tick whole decades")
        XCTAssertEqual(TrainingPlot.Axis.label(5.55e-17), "0")
        let flat = TrainingPlot.Axis([5, 5])
        XCTAssertLessThan(flat.low, 5)
        XCTAssertGreaterThan(flat.high, 5)
    }
}
