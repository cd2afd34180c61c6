import TextFormats
import Foundation

/// Curves of one training run, read from its `metrics.jsonl`.
public struct TrainingCurves: Sendable {
    /// The run's name in the legend (`nmt plot` uses the recipe's name).
    public let name: String
    /// Where the run lives (its model directory), shown when the pointer rests on its name.
    public let path: String
    /// (x, y) points per metric key of `MetricsEvent.curves`: "loss", "grad_norm" (train events), "bleu",
    /// "ppl" (valid events).
    public var series: [String: [(x: Double, y: Double)]] = [:]

    /// - Parameter byStep: x is the step; otherwise wall-clock minutes of training (`elapsed`).
    public init(name: String, path: String = "", metricsJSONL text: String, byStep: Bool) {
        self.name = name
        self.path = path
        for event in MetricsEvent.events(inJSONL: text) {
            guard let x = byStep ? Double(event.step) : event.elapsed.map({ $0 / 60 }) else { continue }
            for curve in MetricsEvent.curves where curve.kind == event.event {
                if let y = event[keyPath: curve.value], y.isFinite { series[curve.key.rawValue, default: []].append((x, y)) }
            }
        }
    }
}

/// SVG line charts of training curves, one panel per metric, one colour per run (`nmt plot`).
public enum TrainingPlot {
    public static let panels: [(key: String, title: String, logScale: Bool)] = [
        (MetricsEvent.CodingKeys.bleu.rawValue, "validation BLEU", false),
        (MetricsEvent.CodingKeys.loss.rawValue, "training loss (per target token)", false),
        (MetricsEvent.CodingKeys.ppl.rawValue, "validation perplexity", false),
        (MetricsEvent.CodingKeys.gradNorm.rawValue, "gradient norm before clipping (log scale)", true),
        (MetricsEvent.CodingKeys.firstStepGradNorm.rawValue,
         "gradient norm reaching source step 0 through the forward encoder (log scale)", true),
    ]
    static let colours = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"]
    static let panelWidth = 560.0, panelHeight = 260.0, margin = (left: 60.0, right: 20.0, top: 30.0, bottom: 40.0)

    /// The whole picture: the panels that have data in at least one run, stacked, with a legend.
    public static func svg(_ runs: [TrainingCurves], xLabel: String) -> String {
        let shown = panels.filter { panel in runs.contains { !($0.series[panel.key] ?? []).isEmpty } }
        let legendHeight = 22.0 * Double(runs.count) + 10
        let height = legendHeight + Double(shown.count) * (panelHeight + margin.top + margin.bottom)
        let width = panelWidth + margin.left + margin.right
        var out = [#"<svg xmlns="http://www.w3.org/2000/svg" width="\#(Int(width))" height="\#(Int(height))" "#
            + #"font-family="sans-serif" font-size="12">"#, #"<rect width="100%" height="100%" fill="white"/>"#]
        for (i, run) in runs.enumerated() {
            let y = 18.0 + 22 * Double(i)
            out.append(##"<line x1="\##(margin.left)" y1="\##(y - 4)" x2="\##(margin.left + 30)" y2="\##(y - 4)" stroke="\##(colour(i))" stroke-width="2"/>"##)
            let tooltip = run.path.isEmpty ? "" : "<title>\(XMLText.escaped(run.path))</title>"
            out.append(#"<text x="\#(margin.left + 38)" y="\#(y)">\#(tooltip)\#(XMLText.escaped(run.name))</text>"#)
        }
        // One time axis for every panel, so that a point of one panel lies above the same moment in the others.
        let xs = Axis(shown.flatMap { panel in runs.flatMap { ($0.series[panel.key] ?? []).map(\.x) } })
        for (p, panel) in shown.enumerated() {
            let top = legendHeight + Double(p) * (panelHeight + margin.top + margin.bottom) + margin.top
            var lines = runs.map { $0.series[panel.key] ?? [] }
            if panel.logScale { lines = lines.map { $0.filter { $0.y > 0 }.map { (x: $0.x, y: log10($0.y)) } } }
            out += panelSVG(lines, title: panel.title, xAxis: xs, xLabel: xLabel, top: top, logScale: panel.logScale)
        }
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    static func colour(_ i: Int) -> String { colours[i % colours.count] }

    /// One panel: axes with ticks (x shared by every panel), then a polyline per run.
    /// With `logScale` the y values are already log10 of the data, and ticks are labelled 10^k.
    static func panelSVG(_ lines: [[(x: Double, y: Double)]], title: String, xAxis xs: Axis, xLabel: String, top: Double,
                         logScale: Bool = false) -> [String] {
        let points = lines.flatMap { $0 }
        let ys = Axis(points.map(\.y), minimumStep: logScale ? 1 : 0)  // log: whole decades
        let left = margin.left, bottom = top + panelHeight
        func px(_ x: Double) -> Double { left + (x - xs.low) / (xs.high - xs.low) * panelWidth }
        func py(_ y: Double) -> Double { bottom - (y - ys.low) / (ys.high - ys.low) * panelHeight }
        var out = [#"<text x="\#(left)" y="\#(top - 10)" font-weight="bold">\#(title)</text>"#,
                   ##"<rect x="\##(left)" y="\##(top)" width="\##(panelWidth)" height="\##(panelHeight)" fill="none" stroke="#888"/>"##]
        for tick in xs.ticks {
            out.append(#"<text x="\#(px(tick))" y="\#(bottom + 16)" text-anchor="middle">\#(Axis.label(tick))</text>"#)
        }
        for tick in ys.ticks {
            out.append(##"<line x1="\##(left)" y1="\##(py(tick))" x2="\##(left + panelWidth)" y2="\##(py(tick))" stroke="#eee"/>"##)
            let label = logScale ? "1e" + Axis.label(tick) : Axis.label(tick)
            out.append(#"<text x="\#(left - 6)" y="\#(py(tick) + 4)" text-anchor="end">\#(label)</text>"#)
        }
        out.append(#"<text x="\#(left + panelWidth / 2)" y="\#(bottom + 34)" text-anchor="middle">\#(xLabel)</text>"#)
        for (i, line) in lines.enumerated() where !line.isEmpty {
            let path = line.map { String(format: "%.1f,%.1f", px($0.x), py($0.y)) }.joined(separator: " ")
            out.append(##"<polyline fill="none" stroke="\##(colour(i))" stroke-width="1.5" points="\##(path)"/>"##)
            if line.count <= 40 {  // sparse series (validations): mark each point
                out += line.map { ##"<circle cx="\##(String(format: "%.1f", px($0.x)))" cy="\##(String(format: "%.1f", py($0.y)))" r="2.5" fill="\##(colour(i))"/>"## }
            }
        }
        return out
    }

    /// A linear axis over the data with about five round ticks.
    struct Axis {
        let low: Double, high: Double, ticks: [Double]
        init(_ values: [Double], minimumStep: Double = 0) {
            var low = values.min() ?? 0, high = values.max() ?? 1
            if high - low < 1e-9 { low -= 1; high += 1 }
            let raw = (high - low) / 5, magnitude = pow(10, floor(log10(raw)))
            let step = max(minimumStep, [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude)
            low = floor(low / step) * step; high = ceil(high / step) * step
            self.low = low; self.high = high
            ticks = stride(from: low, through: high + step / 2, by: step).map { $0 }
        }
        static func label(_ value: Double) -> String {
            if abs(value) < 1e-9 { return "0" }
            return value == value.rounded() && abs(value) < 1e6 ? String(Int(value)) : String(format: "%.3g", value)
        }
    }
}
