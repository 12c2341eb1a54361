"""The optimizer explorer's HTML, CSS and script (filled in by explorer_page.py).

Every run was made in Python by minigrad's optimizers; the script only picks, for each optimizer,
the run at the chosen grid point and draws its path over the contours and its f - f* per step.
"""

TEMPLATE = r"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>__TITLE__</title>
<style>
  body { font-family: Helvetica, Arial, sans-serif; margin: 12px 18px; color: #111827; }
  h1 { font-size: 20px; margin: 0 0 4px 0; }
  .note { color: #4b5563; font-size: 13px; margin: 0 0 8px 0; max-width: 1300px; }
  #top { display: flex; gap: 14px; align-items: flex-start; flex-wrap: wrap; }
  #plane { position: relative; width: 560px; height: 460px; border: 1px solid #d1d5db; }
  #plane img, #plane svg { position: absolute; left: 0; top: 0; }
  svg text { font-size: 11px; fill: #374151; }
  .axis { stroke: #9ca3af; stroke-width: 1; }
  table#optimizers { border-collapse: collapse; font-size: 13px; margin-top: 10px; }
  #optimizers td, #optimizers th { padding: 3px 7px; border-bottom: 1px solid #f3f4f6; text-align: left; }
  #optimizers input[type=range] { width: 110px; vertical-align: middle; }
  #side { width: 750px; }
  .swatch { display: inline-block; width: 14px; height: 4px; vertical-align: middle; margin-right: 4px; }
  .value { display: inline-block; min-width: 58px; font-family: Courier, monospace; }
  .best-mark { color: #b45309; font-weight: bold; white-space: nowrap; }
  button { font-size: 13px; }
</style>
</head>
<body>
<h1>__TITLE__</h1>
<p class="note" id="note"></p>
<div id="top">
  <div id="plane"><img id="contours" alt="contours of f" width="560" height="460">
    <svg id="paths" width="560" height="460"></svg></div>
  <div id="side">
    <svg id="gap-chart" width="740" height="250"></svg>
    <div><button id="all-best" type="button">every optimizer at its best lr</button>
      <span class="note">&#9733; best: the lr that reached f &minus; f* &le; tolerance in the fewest steps
      (or, if none did, ended lowest) at that knob value</span></div>
    <table id="optimizers">
      <tr><th></th><th>optimizer</th><th>learning rate</th><th>second knob</th><th>outcome</th></tr>
    </table>
  </div>
</div>
<script type="application/json" id="explorer">__DATA__</script>
<script>
"use strict";
const data = JSON.parse(document.getElementById("explorer").textContent);
const SVG = "http://www.w3.org/2000/svg";
const COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
                 "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#1e3a8a", "#065f46"];
const FLOOR = 1e-12;  // f - f* is drawn on a log scale; exact zeros sit on this floor
let gapX, gapY;  // step -> pixel, f - f* -> pixel, set by buildChart
const choice = data.optimizers.map((o) => ({lr: o.best[o.defaultKnob], knob: o.defaultKnob, shown: true}));

function element(tag, attrs, parent) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (parent) parent.appendChild(node);
  return node;
}

function toPixel(x, y) {
  const [[x0, x1], [y0, y1]] = data.problem.bounds;
  return [(x - x0) / (x1 - x0) * 560, (1 - (y - y0) / (y1 - y0)) * 460];
}

function runOf(k) {
  return data.optimizers[k].runs[choice[k].knob][choice[k].lr];
}

function outcome(run) {
  if (run.reached !== null) return `within tolerance at step ${run.reached}`;
  if (run.blewUpAt !== null) return `blew up at step ${run.blewUpAt}`;
  return `f &minus; f* = ${run.final.toPrecision(3)} after ${data.steps} steps`;
}

// ----- the paths over the contours -----
function buildPlane() {
  document.getElementById("contours").src = data.image;
  const svg = document.getElementById("paths");
  const defs = element("defs", {}, svg);
  const clip = element("clipPath", {id: "view"}, defs);
  element("rect", {x: 0, y: 0, width: 560, height: 460}, clip);
  const [mx, my] = toPixel(...data.problem.minimum);
  data.optimizers.forEach((o, k) => {
    element("polyline", {id: `path-${k}`, fill: "none", stroke: COLOURS[k % COLOURS.length],
                         "stroke-width": 2, "clip-path": "url(#view)"}, svg);
    element("circle", {id: `end-${k}`, r: 4, fill: COLOURS[k % COLOURS.length], stroke: "#111827"}, svg);
  });
  const [sx, sy] = toPixel(...data.problem.start);
  element("circle", {cx: sx, cy: sy, r: 6, fill: "#ffffff", stroke: "#111827", "stroke-width": 2}, svg);
  const star = element("text", {x: mx, y: my + 6, "text-anchor": "middle", style: "font-size: 20px; fill: #eab308; stroke: #111827; stroke-width: 0.6"}, svg);
  star.textContent = "\u2605";
}

function pathPoints(run) {
  const points = [];
  for (let i = 0; i < run.x.length; i++) {
    if (run.x[i] === null || run.y[i] === null) break;  // blown up: nothing more to draw
    points.push(toPixel(run.x[i], run.y[i]).map((v) => Math.max(-5000, Math.min(5000, v)).toFixed(1)).join(","));
  }
  return points;
}

// ----- f - f* per step -----
function gapRange() {
  let lo = Infinity, hi = -Infinity;
  for (const o of data.optimizers) for (const runs of o.runs) for (const run of runs) for (const g of run.gap) {
    if (g === null) continue;
    const v = Math.log10(Math.max(g, FLOOR));
    lo = Math.min(lo, v); hi = Math.max(hi, v);
  }
  return [Math.floor(lo), Math.ceil(Math.min(hi, 6))];
}

function buildChart() {
  const svg = document.getElementById("gap-chart");
  const W = 740, H = 250, M = {left: 50, right: 10, top: 16, bottom: 28};
  const [lo, hi] = gapRange();
  gapX = (step) => M.left + step / data.steps * (W - M.left - M.right);
  gapY = (g) => M.top + (1 - (Math.log10(Math.max(g, FLOOR)) - lo) / (hi - lo)) * (H - M.top - M.bottom);
  element("line", {x1: M.left, y1: H - M.bottom, x2: W - M.right, y2: H - M.bottom, class: "axis"}, svg);
  element("line", {x1: M.left, y1: M.top, x2: M.left, y2: H - M.bottom, class: "axis"}, svg);
  const every = Math.max(1, Math.ceil((hi - lo) / 8));
  for (let e = lo; e <= hi; e += every) {
    const label = element("text", {x: M.left - 4, y: gapY(Math.pow(10, e)) + 4, "text-anchor": "end"}, svg);
    label.textContent = `1e${e}`;
  }
  const tolerance = gapY(data.problem.tolerance);
  element("line", {x1: M.left, x2: W - M.right, y1: tolerance, y2: tolerance, stroke: "#b45309", "stroke-dasharray": "4 3"}, svg);
  const caption = element("text", {x: M.left + 4, y: 11}, svg);
  caption.textContent = "f \u2212 f* per step (log scale); dashed: the tolerance";
  const axis = element("text", {x: W - M.right, y: H - 8, "text-anchor": "end"}, svg);
  axis.textContent = `step (0 to ${data.steps})`;
  data.optimizers.forEach((o, k) => element("polyline", {id: `gap-${k}`, fill: "none", stroke: COLOURS[k % COLOURS.length], "stroke-width": 1.6}, svg));
}

function gapPoints(run) {
  const points = [];
  for (let i = 0; i < run.gap.length; i++) {
    if (run.gap[i] === null) break;
    points.push(`${gapX(i).toFixed(1)},${gapY(run.gap[i]).toFixed(1)}`);
  }
  return points;
}

// ----- the controls, one row per optimizer -----
function buildRows() {
  const table = document.getElementById("optimizers");
  data.optimizers.forEach((o, k) => {
    const row = table.insertRow();
    row.id = `row-${k}`;
    row.innerHTML =
      `<td><input type="checkbox" id="show-${k}" checked></td>` +
      `<td><span class="swatch" style="background:${COLOURS[k % COLOURS.length]}"></span>${o.name}</td>` +
      `<td><input type="range" id="lr-${k}" min="0" max="${o.lrs.length - 1}" step="1"> ` +
      `<span class="value" id="lr-value-${k}"></span><span class="best-mark" id="best-mark-${k}"></span>` +
      `<br><button type="button" id="best-${k}"></button></td>` +
      (o.knob ? `<td>${o.knob} <input type="range" id="knob-${k}" min="0" max="${o.knobValues.length - 1}" step="1"> ` +
                `<span class="value" id="knob-value-${k}"></span></td>` : "<td></td>") +
      `<td id="outcome-${k}"></td>`;
    document.getElementById(`show-${k}`).onchange = (event) => { choice[k].shown = event.target.checked; update(k); };
    document.getElementById(`lr-${k}`).oninput = (event) => { choice[k].lr = Number(event.target.value); update(k); };
    document.getElementById(`best-${k}`).onclick = () => selectBest(k);
    if (o.knob) document.getElementById(`knob-${k}`).oninput = (event) => { choice[k].knob = Number(event.target.value); update(k); };
  });
}

function selectBest(k) {
  choice[k].lr = data.optimizers[k].best[choice[k].knob];
  update(k);
}

function update(k) {
  const o = data.optimizers[k], c = choice[k], run = runOf(k);
  const best = o.best[c.knob];
  document.getElementById(`lr-${k}`).value = c.lr;
  document.getElementById(`lr-value-${k}`).textContent = o.lrs[c.lr].toPrecision(3);
  document.getElementById(`best-mark-${k}`).innerHTML = c.lr === best ? " &#9733; best" : "";
  const atEdge = best === o.lrs.length - 1 ? " (the largest tried)" : best === 0 ? " (the smallest tried)" : "";
  document.getElementById(`best-${k}`).innerHTML = `&#9733; use best, ${o.lrs[best].toPrecision(3)}${atEdge}`;
  if (o.knob) {
    document.getElementById(`knob-${k}`).value = c.knob;
    document.getElementById(`knob-value-${k}`).textContent = o.knobValues[c.knob];
  }
  document.getElementById(`outcome-${k}`).innerHTML = outcome(run);
  const visibility = c.shown ? "visible" : "hidden";
  const points = pathPoints(run);
  const path = document.getElementById(`path-${k}`), end = document.getElementById(`end-${k}`);
  path.setAttribute("points", points.join(" "));
  path.setAttribute("visibility", visibility);
  const last = points[points.length - 1].split(",");
  end.setAttribute("cx", last[0]); end.setAttribute("cy", last[1]);
  end.setAttribute("visibility", visibility);
  const gap = document.getElementById(`gap-${k}`);
  gap.setAttribute("points", gapPoints(run).join(" "));
  gap.setAttribute("visibility", visibility);
}

function main() {
  const p = data.problem;
  document.getElementById("note").innerHTML =
    `${data.optimizers.length} optimizers from minigrad.optim, each run ${data.steps} steps from (${p.start.join(", ")}) ` +
    `at every learning rate of its slider (and every value of its second knob), all computed in Python before ` +
    `this page was written; the minimum is f* = ${p.fMin} at (${p.minimum.join(", ")}) (&#9733;), the start is the white ring.`;
  buildPlane();
  buildChart();
  buildRows();
  document.getElementById("all-best").onclick = () => data.optimizers.forEach((o, k) => selectBest(k));
  data.optimizers.forEach((o, k) => update(k));
}

main();
</script>
</body>
</html>
"""
