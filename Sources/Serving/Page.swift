/// The page at `GET /`: one self-contained HTML file (no external script, style or font).
enum Page {
    static let html = #"""
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>nmt serve</title></head>
<body><h1>nmt serve</h1><textarea id="source"></textarea><output id="translation"></output></body></html>
"""#
}
