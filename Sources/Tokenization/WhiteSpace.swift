internal import CICU

/// Unicode's White_Space property (25 code points), tested on UTF-8 without calling ICU.
/// `WhiteSpaceTests` checks this list against ICU's `u_isUWhiteSpace` for every code point.
@_spi(Testing) public enum WhiteSpace {
    /// Whether code point `c` is White_Space.
    @inline(__always)
    static func contains(_ c: UInt32) -> Bool {
        switch c {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    /// The code point starting at `bytes[i]` (valid UTF-8) and its length in bytes.
    @inline(__always)
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> (scalar: UInt32, length: Int) {
        let b0 = UInt32(bytes[i])
        if b0 < 0x80 { return (b0, 1) }
        if b0 < 0xE0 { return ((b0 & 0x1F) << 6 | UInt32(bytes[i + 1]) & 0x3F, 2) }
        if b0 < 0xF0 {
            return ((b0 & 0x0F) << 12 | (UInt32(bytes[i + 1]) & 0x3F) << 6 | UInt32(bytes[i + 2]) & 0x3F, 3)
        }
        return ((b0 & 0x07) << 18 | (UInt32(bytes[i + 1]) & 0x3F) << 12 | (UInt32(bytes[i + 2]) & 0x3F) << 6
                | UInt32(bytes[i + 3]) & 0x3F, 4)
    }

    /// Whether the code point at `bytes[i]` is White_Space, and its length in bytes. ASCII and lead
    /// bytes that cannot start a White_Space character take the fast path.
    @inline(__always)
    static func check(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> (isWhiteSpace: Bool, length: Int) {
        let b0 = bytes[i]
        if b0 < 0x80 { return (b0 == 0x20 || (b0 >= 0x09 && b0 <= 0x0D), 1) }
        if b0 == 0xC2 || b0 == 0xE1 || b0 == 0xE2 || b0 == 0xE3 {
            let (scalar, length) = decode(bytes, at: i)
            return (contains(scalar), length)
        }
        let length = b0 < 0xE0 ? 2 : (b0 < 0xF0 ? 3 : 4)
        return (false, length)
    }

    /// Code points where `contains` and ICU's `u_isUWhiteSpace` disagree; empty when the list is right.
    /// (SPI for the tests: a test file cannot `@testable import` this module, because the tests import
    /// Foundation and this module's internal import of ICU would then clash with Foundation's ICU.)
    public static func disagreementsWithICU() -> [UInt32] {
        (0...UInt32(0x10FFFF)).filter { contains($0) != (cicu_is_white_space(Int32($0)) != 0) }
    }
}
