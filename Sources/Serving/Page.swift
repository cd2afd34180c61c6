/// The page at `GET /`: one self-contained HTML file (no external script, style or font) to try the
/// models: a source box, the translation, the n-best list with scores and the attention heatmap of the
/// best translation, all from `POST /v1/translate`. `/?q=TEXT` fills the box and translates on load
/// (bookmarkable, and how the browser test drives it); `&model=NAME` picks the model.
enum Page {
    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>nmt serve</title>
<style>
  body { font: 15px/1.4 system-ui, sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em; color: #222; }
  textarea { width: 100%; height: 5em; font: inherit; box-sizing: border-box; }
  label { margin-right: 1em; }
  input[type=number] { width: 4em; }
  #translation { display: block; font-size: 1.3em; min-height: 1.5em; margin: .8em 0; padding: .4em; background: #f3f5f9; }
  #nbest li span { color: #667; margin-left: .6em; font-variant-numeric: tabular-nums; }
  #heatmap table { border-collapse: collapse; margin-top: .5em; }
  #heatmap td { width: 1.8em; height: 1.8em; border: 1px solid #fff; }
  #heatmap th { font-weight: normal; padding: 0 .3em; }
  #heatmap thead th { writing-mode: vertical-rl; transform: rotate(180deg); text-align: left; }
  #status { color: #a00; }
</style>
</head>
<body>
<h1>nmt serve</h1>
<form id="form">
  <textarea id="source" placeholder="Type a sentence and press Translate (Ctrl+Enter)"></textarea>
  <p>
    <label>model <select id="model"></select></label>
    <label>beam <input id="beam" type="number" min="1" max="64"></label>
    <label>n-best <input id="nbest-size" type="number" min="1" max="64" value="3"></label>
    <button id="translate" type="submit">Translate</button>
    <span id="status"></span>
  </p>
</form>
<h2>Translation</h2>
<output id="translation"></output>
<h2>N-best</h2>
<ol id="nbest"></ol>
<h2>Attention</h2>
<div id="heatmap"></div>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
const models = {};

function cell(tag, text) { const e = document.createElement(tag); e.textContent = text; return e; }

// A token as text, without the tokenizer's marks: the joiner U+FFED goes, an escape U+FFEE XXXX is its character.
function label(token) {
  const text = token.replace(/\uFFED/g, "").replace(/\uFFEE([0-9A-F]{4})/g, (_, hex) => String.fromCodePoint(parseInt(hex, 16)));
  return text.trim() === "" ? "\u2423" : text;
}

function drawHeatmap(alignment) {
  const box = $("heatmap");
  box.replaceChildren();
  if (!alignment) { box.textContent = "(this model has no attention)"; return; }
  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  head.appendChild(cell("th", ""));
  const source = alignment.source.map(label), target = alignment.target.map(label);
  for (const token of source) head.appendChild(cell("th", token));
  const body = table.createTBody();
  alignment.attention.forEach((weights, t) => {
    const row = body.insertRow();
    row.appendChild(cell("th", target[t]));
    weights.forEach((w, j) => {
      const td = row.insertCell();
      const shade = Math.round(255 * (1 - w));
      td.style.background = `rgb(${shade}, ${shade}, 255)`;
      td.title = `${target[t]} ← ${source[j]}: ${w.toFixed(3)}`;
    });
  });
  box.appendChild(table);
}

async function translate() {
  const name = $("model").value;
  const nBest = Math.max(1, Number($("nbest-size").value) || 1);
  const beam = Math.max(nBest, Number($("beam").value) || 1);
  const attention = !models[name] || models[name].attention;
  $("status").textContent = "translating…";
  document.body.dataset.state = "busy";
  try {
    const response = await fetch("/v1/translate", {
      method: "POST", headers: {"Content-Type": "application/json"},
      body: JSON.stringify({model: name || undefined, q: [$("source").value], beam: beam, n_best: nBest, alignment: attention})
    });
    const answer = await response.json();
    if (!response.ok) throw new Error(answer.error || response.statusText);
    const best = answer.translations[0];
    $("translation").textContent = best.text;
    $("nbest").replaceChildren(...best.n_best.map((entry) => {
      const li = cell("li", entry.text);
      li.appendChild(cell("span", entry.score === null ? "−∞" : entry.score.toFixed(4)));
      return li;
    }));
    drawHeatmap(best.alignment);
    $("status").textContent = "";
    document.body.dataset.state = "done";
  } catch (error) {
    $("status").textContent = String(error.message || error);
    document.body.dataset.state = "error";
  }
}

async function start() {
  const list = await (await fetch("/v1/models")).json();
  for (const m of list.models) {
    models[m.name] = m;
    const option = cell("option", m.name);
    option.value = m.name;
    $("model").appendChild(option);
  }
  const query = new URLSearchParams(location.search);
  if (query.has("model")) $("model").value = query.get("model");
  const chosen = models[$("model").value];
  if (chosen) $("beam").value = chosen.beam;
  $("model").addEventListener("change", () => { $("beam").value = models[$("model").value].beam; });
  $("form").addEventListener("submit", (event) => { event.preventDefault(); translate(); });
  $("source").addEventListener("keydown", (event) => { if (event.key === "Enter" && event.ctrlKey) translate(); });
  if (query.has("q")) { $("source").value = query.get("q"); await translate(); }
}
start();
</script>
</body>
</html>
"""#
}
