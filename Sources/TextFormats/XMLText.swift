/// Text inside the SVG pictures and HTML the toolkit writes (heatmaps, training curves).
public enum XMLText {
    /// `text` safe inside an XML element or a quoted attribute: `& < > " '` as entities.
    public static func escaped(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            default: result.append(character)
            }
        }
        return result
    }
}
