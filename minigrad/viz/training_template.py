"""The training page's HTML, CSS and script (filled in by training_page.py).

The script reads the run from the JSON in <script id="run">, draws what does not change once
(axes, points, curves, the network's neurons and edges) and then, for each snapshot, `show(k)`
recolours what does: the boundary or curve, the curve markers, the numbers and the edges.
"""

TEMPLATE = r"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>__TITLE__</title>
<style>
  body { font-family: Helvetica, Arial, sans-serif; margin: 12px 18px; color: #111827; }
  h1 { font-size: 20px; margin: 0 0 8px 0; }
  #controls { display: flex; gap: 12px; align-items: center; flex-wrap: wrap; margin-bottom: 8px; }
  #controls button { font-size: 14px; padding: 3px 10px; }
  #slider { width: 360px; }
  #where { font-weight: bold; min-width: 210px; }
  .hint { color: #6b7280; font-size: 13px; }
  #panels { display: flex; gap: 12px; flex-wrap: wrap; align-items: flex-start; }
  #panels svg { display: block; }
  .panel { border: 1px solid #e5e7eb; border-radius: 6px; padding: 6px 8px; }
  .panel h2 { font-size: 14px; margin: 0 0 4px 0; }
  .legend { font-size: 12px; color: #374151; margin-top: 4px; max-width: 470px; }
  .legend span { margin-right: 10px; white-space: nowrap; }
  table#numbers { border-collapse: collapse; font-size: 13px; margin-top: 6px; }
  table#numbers td, table#numbers th { padding: 2px 8px; text-align: right; border-bottom: 1px solid #f3f4f6; }
  svg text { font-size: 11px; fill: #374151; }
  .axis { stroke: #9ca3af; stroke-width: 1; }
  .marker { stroke: #111827; stroke-width: 1.2; stroke-dasharray: 3 2; }
</style>
</head>
<body>
<h1>__TITLE__</h1>
<div id="controls">
  <button id="play" type="button">&#9654; play</button>
  <button id="prev" type="button">&larr;</button>
  <input id="slider" type="range" min="0" value="0" step="1">
  <button id="next" type="button">&rarr;</button>
  <span id="where"></span>
  <span>edges show:
    <label><input type="radio" name="edges" value="weights" checked> weights</label>
    <label><input type="radio" name="edges" value="grads"> gradients</label>
  </span>
  <span class="hint">arrow keys step, space plays</span>
</div>
<div id="panels">
  <div class="panel">
    <h2 id="view-title"></h2>
    <canvas id="boundary" width="380" height="380"></canvas>
    <svg id="fit" width="380" height="380" style="display: none"></svg>
    <div class="legend" id="view-legend"></div>
  </div>
  <div class="panel">
    <h2>Loss and accuracy per epoch</h2>
    <svg id="loss-chart" width="400" height="170"></svg>
    <svg id="accuracy-chart" width="400" height="170"></svg>
    <div class="legend"><span>&#9473; train</span><span>&#9476; test</span>
      <span>dashed line: this snapshot</span></div>
    <table id="numbers">
      <tr><th></th><th>train</th><th>test</th></tr>
      <tr><td>loss</td><td id="train-loss"></td><td id="test-loss"></td></tr>
      <tr id="accuracy-row"><td>accuracy</td><td id="train-accuracy"></td><td id="test-accuracy"></td></tr>
    </table>
  </div>
  <div class="panel">
    <h2>The network: one edge per weight</h2>
    <svg id="network" width="470" height="380"></svg>
    <div class="legend" id="network-legend"></div>
  </div>
</div>
<script type="application/json" id="run">__DATA__</script>
<script>
"use strict";
const run = JSON.parse(document.getElementById("run").textContent);
const SVG = "http://www.w3.org/2000/svg";
const CLASS_COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                       "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
const POSITIVE = "#2563eb", NEGATIVE = "#dc2626", GRADIENT = "#ea580c";
const PLAY_MS = 350;
let current = 0, timer = null, edgeMode = "weights";

function element(tag, attrs, parent) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (parent) parent.appendChild(node);
  return node;
}

function formatNumber(value) {
  return value === null || value === undefined ? "" : value.toFixed(4);
}

function formatPercent(value) {
  return value === null || value === undefined ? "" : (100 * value).toFixed(1) + "%";
}

// ----- the boundary (classification) or the fitted curve (regression) -----
function viewBounds() {
  // Grid values are cell centres: the picture reaches half a cell beyond them.
  const xs = run.grid.xs, ys = run.grid.ys;
  const dx = (xs[xs.length - 1] - xs[0]) / (xs.length - 1), dy = (ys[ys.length - 1] - ys[0]) / (ys.length - 1);
  return {x0: xs[0] - dx / 2, x1: xs[xs.length - 1] + dx / 2, y0: ys[0] - dy / 2, y1: ys[ys.length - 1] + dy / 2};
}

function hexToRgb(hex) {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

function drawBoundary(snapshot) {
  const canvas = document.getElementById("boundary");
  const context = canvas.getContext("2d");
  const nx = run.grid.xs.length, ny = run.grid.ys.length;
  const cells = new ImageData(nx, ny);
  for (let row = 0; row < ny; row++) {
    for (let col = 0; col < nx; col++) {
      const k = row * nx + col;  // the grid runs row by row from the bottom
      const rgb = hexToRgb(CLASS_COLOURS[Number(snapshot.cells[k])]);
      const sure = (Number(snapshot.confidence[k]) + 1) / 10;
      const p = 4 * ((ny - 1 - row) * nx + col);  // image rows run from the top
      for (let c = 0; c < 3; c++) cells.data[p + c] = Math.round(255 - (255 - rgb[c]) * (0.15 + 0.4 * sure));
      cells.data[p + 3] = 255;
    }
  }
  const small = document.createElement("canvas");
  small.width = nx; small.height = ny;
  small.getContext("2d").putImageData(cells, 0, 0);
  context.imageSmoothingEnabled = true;
  context.drawImage(small, 0, 0, canvas.width, canvas.height);
  const b = viewBounds();
  const toPixel = (x, y) => [(x - b.x0) / (b.x1 - b.x0) * canvas.width, (1 - (y - b.y0) / (b.y1 - b.y0)) * canvas.height];
  drawPoints(context, run.train, toPixel, true);
  if (run.test) drawPoints(context, run.test, toPixel, false);
}

function drawPoints(context, points, toPixel, filled) {
  for (let i = 0; i < points.x.length; i++) {
    const [px, py] = toPixel(points.x[i][0], points.x[i][1]);
    context.beginPath();
    context.arc(px, py, filled ? 3.5 : 4.5, 0, 2 * Math.PI);
    const colour = CLASS_COLOURS[points.y[i]];
    if (filled) {
      context.fillStyle = colour; context.fill();
      context.strokeStyle = "#111827"; context.lineWidth = 0.6; context.stroke();
    } else {  // test points: rings, so the two sets are told apart
      context.fillStyle = "#ffffff"; context.fill();
      context.strokeStyle = colour; context.lineWidth = 2.2; context.stroke();
    }
  }
}

function buildFit() {
  const svg = document.getElementById("fit");
  const xs = run.grid.xs;
  const values = run.train.y.concat(run.test ? run.test.y : []);
  const lo = Math.min(...values), hi = Math.max(...values), pad = 0.15 * (hi - lo);
  const scale = {x0: xs[0], x1: xs[xs.length - 1], y0: lo - pad, y1: hi + pad};
  const W = 380, H = 380, M = 30;
  const toPixel = (x, y) => [M + (x - scale.x0) / (scale.x1 - scale.x0) * (W - 2 * M),
                             H - M - (y - scale.y0) / (scale.y1 - scale.y0) * (H - 2 * M)];
  element("rect", {x: M, y: M, width: W - 2 * M, height: H - 2 * M, fill: "none", class: "axis"}, svg);
  for (const [points, filled] of [[run.train, true], [run.test, false]]) {
    if (!points) continue;
    points.x.forEach((x, i) => {
      const [px, py] = toPixel(x[0], points.y[i]);
      element("circle", {cx: px, cy: py, r: filled ? 3 : 4, fill: filled ? "#1f77b4" : "#ffffff",
                         stroke: filled ? "#111827" : "#ff7f0e", "stroke-width": filled ? 0.5 : 2}, svg);
    });
  }
  element("polyline", {id: "curve", fill: "none", stroke: "#111827", "stroke-width": 2.5}, svg);
  svg.toPixel = toPixel;
}

function drawFit(snapshot) {
  const svg = document.getElementById("fit");
  const points = run.grid.xs.map((x, i) => svg.toPixel(x, snapshot.curve[i]).join(","));
  document.getElementById("curve").setAttribute("points", points.join(" "));
}

// ----- the loss and accuracy curves, with a marker at the snapshot -----
function curveValues(key) {
  // [epoch, value] pairs: the history's epochs 1.., after epoch 0's value when it was recorded
  const values = (run.history[key] || []).map((v, i) => [i + 1, v]);
  const first = run.snapshots[0];
  if (values.length && first.epoch === 0 && first.scores[key] !== undefined) values.unshift([0, first.scores[key]]);
  return values;
}

function buildChart(id, series, logScale, label) {
  const svg = document.getElementById(id);
  const W = Number(svg.getAttribute("width")), H = Number(svg.getAttribute("height"));
  const M = {left: 52, right: 10, top: 16, bottom: 24};
  const epochs = run.history.loss.length;
  const all = series.flatMap((s) => curveValues(s.key).map((p) => p[1])).filter((v) => v !== null && (!logScale || v > 0));
  let lo = Math.min(...all), hi = Math.max(...all);
  if (logScale) { lo = Math.log10(lo); hi = Math.log10(hi); }
  if (hi - lo < 1e-9) { lo -= 0.5; hi += 0.5; }
  const y = (v) => {
    const t = logScale ? Math.log10(v) : v;
    return M.top + (1 - (t - lo) / (hi - lo)) * (H - M.top - M.bottom);
  };
  const x = (epoch) => M.left + epoch / epochs * (W - M.left - M.right);
  element("line", {x1: M.left, y1: H - M.bottom, x2: W - M.right, y2: H - M.bottom, class: "axis"}, svg);
  element("line", {x1: M.left, y1: M.top, x2: M.left, y2: H - M.bottom, class: "axis"}, svg);
  for (const t of [lo, (lo + hi) / 2, hi]) {
    const v = logScale ? Math.pow(10, t) : t;
    const text = element("text", {x: M.left - 4, y: y(v) + 4, "text-anchor": "end"}, svg);
    text.textContent = logScale ? v.toPrecision(2) : (label === "accuracy" ? (100 * v).toFixed(0) + "%" : v.toPrecision(3));
  }
  const caption = element("text", {x: M.left + 4, y: 11}, svg);
  caption.textContent = label + (logScale ? " (log scale)" : "");
  const axisLabel = element("text", {x: W - M.right, y: H - 6, "text-anchor": "end"}, svg);
  axisLabel.textContent = `epoch (0 to ${epochs})`;
  for (const s of series) {
    const points = curveValues(s.key).filter(([, v]) => v !== null && (!logScale || v > 0)).map(([e, v]) => `${x(e)},${y(v)}`);
    element("polyline", {points: points.join(" "), fill: "none", stroke: s.colour, "stroke-width": 1.8,
                         "stroke-dasharray": s.dashed ? "5 3" : "none"}, svg);
  }
  const marker = element("line", {y1: M.top, y2: H - M.bottom, class: "marker"}, svg);
  const dots = series.map((s) => element("circle", {r: 3.5, fill: s.colour}, svg));
  svg.moveMarker = (snapshot) => {
    marker.setAttribute("x1", x(snapshot.epoch)); marker.setAttribute("x2", x(snapshot.epoch));
    series.forEach((s, i) => {
      const v = snapshot.scores[s.key];
      const shown = v !== undefined && v !== null && (!logScale || v > 0);
      dots[i].setAttribute("visibility", shown ? "visible" : "hidden");
      if (shown) { dots[i].setAttribute("cx", x(snapshot.epoch)); dots[i].setAttribute("cy", y(v)); }
    });
  };
}

// ----- the network: layers of neurons, one edge per weight -----
function neuronPositions() {
  const svg = document.getElementById("network");
  const W = Number(svg.getAttribute("width")), H = Number(svg.getAttribute("height"));
  const sizes = [run.layers[0].in, ...run.layers.map((layer) => layer.out)];
  return sizes.map((n, column) => {
    const x = 40 + column * (W - 80) / (sizes.length - 1);
    const gap = Math.min(40, (H - 40) / Math.max(n, 1));
    const top = H / 2 - gap * (n - 1) / 2;
    return Array.from({length: n}, (_, i) => [x, top + i * gap]);
  });
}

function buildNetwork() {
  const svg = document.getElementById("network");
  const positions = neuronPositions();
  const edges = element("g", {id: "edges"}, svg);
  run.layers.forEach((layer, l) => {
    for (let j = 0; j < layer.out; j++) {
      for (let i = 0; i < layer.in; i++) {
        const [x1, y1] = positions[l][i], [x2, y2] = positions[l + 1][j];
        element("line", {id: `w-${l}-${j}-${i}`, x1, y1, x2, y2, "stroke-linecap": "round"}, edges);
      }
    }
  });
  positions.forEach((column, c) => {
    const r = Math.max(2.5, Math.min(8, column.length > 1 ? 0.4 * (column[1][1] - column[0][1]) : 8));
    column.forEach(([x, y], i) => element("circle", {id: `n-${c}-${i}`, cx: x, cy: y, r, stroke: "#374151", "stroke-width": 1, fill: "#ffffff"}, svg));
  });
  const first = element("text", {x: positions[0][0][0], y: 14, "text-anchor": "middle"}, svg);
  first.textContent = "inputs";
  const last = element("text", {x: positions[positions.length - 1][0][0], y: 14, "text-anchor": "middle"}, svg);
  last.textContent = "outputs";
}

function largestMagnitude(arrays) {
  let largest = 0;
  for (const rows of arrays) for (const row of rows) for (const v of row) largest = Math.max(largest, Math.abs(v || 0));
  return largest;
}

function colourNetwork(snapshot) {
  const grads = edgeMode === "grads";
  const scale = grads ? largestMagnitude(run.layers.map((layer) => snapshot.grads[layer.weight])) : run.weightScale;
  run.layers.forEach((layer, l) => {
    const values = (grads ? snapshot.grads : snapshot.weights)[layer.weight];
    for (let j = 0; j < layer.out; j++) {
      for (let i = 0; i < layer.in; i++) {
        const v = values[j][i] || 0, size = scale > 0 ? Math.abs(v) / scale : 0;
        const edge = document.getElementById(`w-${l}-${j}-${i}`);
        edge.setAttribute("stroke", grads ? GRADIENT : (v >= 0 ? POSITIVE : NEGATIVE));
        edge.setAttribute("stroke-width", (0.3 + 3.7 * size).toFixed(3));
        edge.setAttribute("stroke-opacity", (0.15 + 0.85 * size).toFixed(3));
      }
    }
    if (layer.bias) {  // a neuron's fill is its bias, on the weights' scale
      snapshot.weights[layer.bias].forEach((b, j) => {
        const t = Math.min(1, Math.abs(b) / run.weightScale);
        const rgb = hexToRgb(b >= 0 ? POSITIVE : NEGATIVE).map((c) => Math.round(255 - (255 - c) * t));
        document.getElementById(`n-${l + 1}-${j}`).setAttribute("fill", `rgb(${rgb.join(",")})`);
      });
    }
  });
  document.getElementById("network-legend").innerHTML = grads
    ? `<span style="color:${GRADIENT}">&#9473;</span> width: |d loss / d weight| on the whole training set, `
      + `scaled to this snapshot's largest, <span id="scale">${scale.toPrecision(3)}</span>`
    : `<span style="color:${POSITIVE}">&#9473; positive</span><span style="color:${NEGATIVE}">&#9473; negative</span>`
      + ` width: |weight|, up to <span id="scale">${scale.toPrecision(3)}</span> (the largest in the run); fill: bias`;
}

// ----- one snapshot -----
function show(k) {
  current = Math.max(0, Math.min(run.snapshots.length - 1, k));
  const snapshot = run.snapshots[current];
  document.getElementById("slider").value = current;
  document.getElementById("where").textContent =
    `epoch ${snapshot.epoch} of ${run.history.loss.length} (snapshot ${current + 1} of ${run.snapshots.length})`;
  if (run.task === "classification") drawBoundary(snapshot); else drawFit(snapshot);
  for (const id of ["loss-chart", "accuracy-chart"]) {
    const chart = document.getElementById(id);
    if (chart.moveMarker) chart.moveMarker(snapshot);
  }
  const s = snapshot.scores;
  document.getElementById("train-loss").textContent = formatNumber(s.loss);
  document.getElementById("test-loss").textContent = formatNumber(s.test_loss);
  document.getElementById("train-accuracy").textContent = formatPercent(s.accuracy);
  document.getElementById("test-accuracy").textContent = formatPercent(s.test_accuracy);
  colourNetwork(snapshot);
}

function togglePlay() {
  const button = document.getElementById("play");
  if (timer !== null) {
    clearInterval(timer); timer = null;
    button.innerHTML = "&#9654; play";
    return;
  }
  if (current === run.snapshots.length - 1) show(0);  // play from the start again
  button.innerHTML = "&#10074;&#10074; pause";
  timer = setInterval(() => {
    if (current >= run.snapshots.length - 1) { togglePlay(); return; }
    show(current + 1);
  }, PLAY_MS);
}

function main() {
  const classification = run.task === "classification";
  document.getElementById("boundary").style.display = classification ? "" : "none";
  document.getElementById("fit").style.display = classification ? "none" : "";
  document.getElementById("view-title").textContent = classification
    ? "Decision boundary (paler where the model is less sure)"
    : "Fitted curve";
  document.getElementById("view-legend").innerHTML = classification
    ? "<span>&#9679; training points</span><span>&#9675; test points</span><span>colour: class</span>"
    : "<span>&#9679; training points</span><span>&#9675; test points</span><span>&#9473; the model</span>";
  if (!classification) buildFit();
  buildChart("loss-chart", [{key: "loss", colour: "#1d4ed8"}, {key: "test_loss", colour: "#b45309", dashed: true}],
             run.history.loss.every((v) => v !== null && v > 0), run.task === "regression" ? "MSE" : "loss");
  if (run.history.accuracy) {
    buildChart("accuracy-chart", [{key: "accuracy", colour: "#1d4ed8"}, {key: "test_accuracy", colour: "#b45309", dashed: true}], false, "accuracy");
  } else {
    document.getElementById("accuracy-chart").style.display = "none";
    document.getElementById("accuracy-row").style.display = "none";
  }
  buildNetwork();
  const slider = document.getElementById("slider");
  slider.max = run.snapshots.length - 1;
  slider.oninput = () => show(Number(slider.value));
  document.getElementById("prev").onclick = () => show(current - 1);
  document.getElementById("next").onclick = () => show(current + 1);
  document.getElementById("play").onclick = togglePlay;
  document.querySelectorAll("input[name=edges]").forEach((radio) => {
    radio.onchange = () => { edgeMode = radio.value; show(current); };
  });
  document.addEventListener("keydown", (event) => {
    if (event.target.tagName === "INPUT" && event.target.type === "range") return;  // the slider steps itself
    if (event.key === "ArrowLeft") show(current - 1);
    else if (event.key === "ArrowRight") show(current + 1);
    else if (event.key === " ") { event.preventDefault(); togglePlay(); }
  });
  show(0);
}

main();
</script>
</body>
</html>
"""
