import Foundation

/// Fixed-point formatting as Python's `f"{x:.Nf}"` does it: correctly rounded from the binary value
/// (C's printf does the same), so 2.675 prints as 2.67 in both.
enum NumberFormatting {
    static func fixed(_ value: Double, decimals: Int) -> String {
        precondition(decimals >= 0 && decimals <= 17, "decimals \(decimals) is outside 0...17")
        return String(format: "%.\(decimals)f", value)
    }
}
