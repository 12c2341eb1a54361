"""Writing pictures: render one graph to a file, and a step-through to frames, a GIF and a web page."""

import io
import os
import shutil
import subprocess
import sys
import sysconfig
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

import graphviz

FORMATS = ("svg", "png", "pdf")
GIF_FRAME_MS = 1500
GIF_COLOURS = 128


def render(graph: graphviz.Digraph, path, fmt: str | None = None) -> Path:
    """Draw `graph` with Graphviz's `dot` into `path` as svg, png or pdf (default: path's suffix).

    Without `dot` on PATH, graphviz-pure draws svg and png if it is installed; without either a
    RuntimeError says how to install one. `graph.source` (the DOT text) needs neither.
    """
    if not isinstance(graph, graphviz.Digraph):
        raise TypeError(f"render: graph must be a graphviz.Digraph, got {type(graph).__name__}")
    path = Path(path)
    fmt = fmt or path.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise ValueError(
            f"render: fmt must be one of {list(FORMATS)} (or given by the path's suffix),"
            f" got {fmt!r} for path {str(path)!r}"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_pipe(graph, fmt, "render"))
    return path


class SavedFrames(NamedTuple):
    """The files save_frames wrote."""

    frames: list  # step_000.png, step_001.png, ...
    gif: Path | None  # backward.gif, the frames as an animation
    html: Path | None  # backward.html, one page that steps through the frames


def save_frames(
    frames, out_dir, fmt: str = "png", gif: bool = True, html: bool = True
) -> SavedFrames:
    """Write each frame as out_dir/step_000.<fmt>, ..., plus backward.gif and backward.html.

    Frames left in out_dir by an earlier run (step_NNN.png, .svg or .pdf) are deleted first.

    The GIF loops through the frames; the HTML page holds them as inline SVG with buttons, a
    slider and the arrow keys to step back and forth, and needs nothing else to open.
    """
    _check_frames(frames)
    if fmt not in FORMATS:
        raise ValueError(f"save_frames: fmt must be one of {list(FORMATS)}, got {fmt!r}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    pictures = _pipe_all(frames, fmt)
    # Frames of an earlier run in this folder would otherwise mix with these (a longer run leaves
    # its later steps behind, another format its own set), so they go first.
    for old in out_dir.glob("step_[0-9][0-9][0-9].*"):
        if old.suffix.lstrip(".") in FORMATS:
            old.unlink()
    paths = [out_dir / f"step_{k:03d}.{fmt}" for k in range(len(frames))]
    for path, data in zip(paths, pictures):
        path.write_bytes(data)
    gif_path = html_path = None
    if gif:
        pngs = pictures if fmt == "png" else _pipe_all(frames, "png")
        gif_path = _write_gif(pngs, out_dir / "backward.gif")
    if html:
        svgs = pictures if fmt == "svg" else _pipe_all(frames, "svg")
        html_path = out_dir / "backward.html"
        html_path.write_text(step_through_page([svg.decode("utf-8") for svg in svgs]), "utf-8")
    return SavedFrames(paths, gif_path, html_path)


def _pipe_all(frames, fmt):
    """Every frame drawn by `dot`, several at once (each is its own process)."""
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        return list(pool.map(lambda frame: _pipe(frame, fmt, "save_frames"), frames))


def _write_gif(pngs, path):
    """An endlessly looping GIF; smaller frames are padded with white to the largest one's size."""
    from PIL import Image  # Pillow comes with matplotlib; imported here so viz loads without it

    images = [Image.open(io.BytesIO(data)).convert("RGB") for data in pngs]
    width = max(image.width for image in images)
    height = max(image.height for image in images)
    canvases = []
    for image in images:
        canvas = Image.new("RGB", (width, height), "white")
        canvas.paste(image, (0, 0))
        # A fast palette of the picture's own colours (the default quantizer is slow on wide frames).
        canvases.append(canvas.quantize(colors=GIF_COLOURS, method=Image.Quantize.FASTOCTREE))
    durations = [GIF_FRAME_MS] * (len(canvases) - 1) + [3 * GIF_FRAME_MS]  # rest on the end
    canvases[0].save(path, save_all=True, append_images=canvases[1:], duration=durations, loop=0)
    return path


def step_through_page(svgs: list, title: str = "Backpropagation, step by step") -> str:
    """A self-contained HTML page that shows one SVG at a time, with prev/next and a slider, and
    zoom and pan (buttons, the wheel, fit to width or height, dragging) for graphs too big to read
    whole."""
    figures = "\n".join(f'<div class="frame">{svg[svg.index("<svg") :]}</div>' for svg in svgs)
    return PAGE.format(title=title, last=len(svgs) - 1, frames=figures)


PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
  body {{ font-family: Helvetica, Arial, sans-serif; margin: 1em; }}
  h1 {{ font-size: 20px; margin: 0 0 6px 0; }}
  .frame {{ display: none; }}
  .frame.shown {{ display: block; }}
  .frame svg {{ display: block; }}
  #controls {{ margin: 0.5em 0; display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }}
  #slider {{ width: 20em; vertical-align: middle; }}
  #zoom {{ display: inline-block; min-width: 3.5em; text-align: center; font-family: Courier, monospace; }}
  .hint {{ color: #6b7280; font-size: 13px; }}
  #what {{ font-weight: bold; font-size: 14px; margin: 0 0 6px 0; min-height: 1.2em; }}
  #viewport {{ overflow: auto; height: calc(100vh - 140px); border: 1px solid #e5e7eb; cursor: grab; }}
  #viewport.dragging {{ cursor: grabbing; user-select: none; }}
</style>
</head>
<body>
<h1>{title}</h1>
<div id="controls">
  <button id="prev">&larr; previous</button>
  <input id="slider" type="range" min="0" max="{last}" value="0">
  <button id="next">next &rarr;</button>
  <span id="caption"></span>
  <span>&nbsp;zoom</span>
  <button id="zoom-out" title="zoom out (-)">&minus;</button>
  <span id="zoom"></span>
  <button id="zoom-in" title="zoom in (+)">+</button>
  <button id="fit-width">fit width</button>
  <button id="fit-height">fit height</button>
  <button id="actual-size">100%</button>
  <span class="hint">arrow keys step, + and &minus; zoom, the wheel zooms, drag to pan</span>
</div>
<p id="what"></p>
<div id="viewport">
{frames}
</div>
<script>
  const frames = document.querySelectorAll(".frame");
  const slider = document.getElementById("slider");
  const viewport = document.getElementById("viewport");
  const ZOOM_STEP = 1.25, MIN_ZOOM = 0.05, MAX_ZOOM = 8;
  let zoom = 1;

  function naturalSize(svg) {{
    // Graphviz gives the size in points; the browser draws 4/3 pixels per point at 100%.
    return [parseFloat(svg.getAttribute("width")) * 4 / 3, parseFloat(svg.getAttribute("height")) * 4 / 3];
  }}

  function largestSize() {{
    let width = 0, height = 0;
    frames.forEach((frame) => {{
      const [w, h] = naturalSize(frame.querySelector("svg"));
      width = Math.max(width, w); height = Math.max(height, h);
    }});
    return [width, height];
  }}

  function setZoom(z, centreX, centreY) {{
    // Keep the point under (centreX, centreY) of the viewport where it is.
    centreX = centreX ?? viewport.clientWidth / 2;
    centreY = centreY ?? viewport.clientHeight / 2;
    const x = (viewport.scrollLeft + centreX) / zoom, y = (viewport.scrollTop + centreY) / zoom;
    zoom = Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, z));
    frames.forEach((frame) => {{
      const svg = frame.querySelector("svg");
      const [w, h] = naturalSize(svg);
      svg.style.width = `${{w * zoom}}px`;
      svg.style.height = `${{h * zoom}}px`;
    }});
    viewport.scrollLeft = x * zoom - centreX;
    viewport.scrollTop = y * zoom - centreY;
    document.getElementById("zoom").textContent = `${{Math.round(100 * zoom)}}%`;
  }}

  // Twice: the first fit can add or remove a scroll bar, which changes the room to fit into.
  function fitWidth() {{
    for (let i = 0; i < 2; i++) setZoom((viewport.clientWidth - 4) / largestSize()[0]);
    viewport.scrollLeft = 0;
  }}
  function fitHeight() {{
    for (let i = 0; i < 2; i++) setZoom((viewport.clientHeight - 4) / largestSize()[1]);
    viewport.scrollTop = 0;
  }}

  function show(k) {{
    k = Math.max(0, Math.min(frames.length - 1, k));
    frames.forEach((frame, i) => frame.classList.toggle("shown", i === k));
    slider.value = k;
    document.getElementById("caption").textContent = `step ${{k + 1}} of ${{frames.length}}`;
    // The frame's title (the first bold text of the graph's own label), above the viewport too,
    // so that it stays in sight when the picture is panned to this step's tensor.
    const title = frames[k].querySelector("g.graph > text[font-weight='bold']");
    document.getElementById("what").textContent = title ? title.textContent : "";
    follow(frames[k]);
  }}

  // Keep this step's tensor and its op (class "current") in view: scroll only when part of them
  // is outside the viewport, so that a view the reader has panned to stays while the step is in it.
  function follow(frame) {{
    const boxes = [...frame.querySelectorAll("g.current")].map((g) => g.getBoundingClientRect());
    if (boxes.length === 0) return;  // inside a collapsed module's node
    const view = viewport.getBoundingClientRect();
    const left = Math.min(...boxes.map((b) => b.left)), right = Math.max(...boxes.map((b) => b.right));
    const top = Math.min(...boxes.map((b) => b.top)), bottom = Math.max(...boxes.map((b) => b.bottom));
    if (left >= view.left && right <= view.right && top >= view.top && bottom <= view.bottom) return;
    viewport.scrollLeft += (left + right) / 2 - (view.left + view.right) / 2;
    viewport.scrollTop += (top + bottom) / 2 - (view.top + view.bottom) / 2;
  }}

  function startPan(event) {{
    const start = [event.clientX, event.clientY, viewport.scrollLeft, viewport.scrollTop];
    viewport.classList.add("dragging");
    const move = (e) => {{
      viewport.scrollLeft = start[2] - (e.clientX - start[0]);
      viewport.scrollTop = start[3] - (e.clientY - start[1]);
    }};
    const stop = () => {{
      viewport.classList.remove("dragging");
      window.removeEventListener("mousemove", move);
      window.removeEventListener("mouseup", stop);
    }};
    window.addEventListener("mousemove", move);
    window.addEventListener("mouseup", stop);
  }}

  document.getElementById("prev").onclick = () => show(Number(slider.value) - 1);
  document.getElementById("next").onclick = () => show(Number(slider.value) + 1);
  document.getElementById("zoom-in").onclick = () => setZoom(zoom * ZOOM_STEP);
  document.getElementById("zoom-out").onclick = () => setZoom(zoom / ZOOM_STEP);
  document.getElementById("fit-width").onclick = fitWidth;
  document.getElementById("fit-height").onclick = fitHeight;
  document.getElementById("actual-size").onclick = () => setZoom(1);
  slider.oninput = () => show(Number(slider.value));
  viewport.addEventListener("wheel", (event) => {{
    event.preventDefault();
    const box = viewport.getBoundingClientRect();
    setZoom(zoom * (event.deltaY < 0 ? ZOOM_STEP : 1 / ZOOM_STEP), event.clientX - box.left, event.clientY - box.top);
  }}, {{ passive: false }});
  viewport.addEventListener("mousedown", startPan);
  document.addEventListener("keydown", (event) => {{
    if (event.target === slider && (event.key === "ArrowLeft" || event.key === "ArrowRight")) return;
    if (event.key === "ArrowLeft") show(Number(slider.value) - 1);
    if (event.key === "ArrowRight") show(Number(slider.value) + 1);
    if (event.key === "+" || event.key === "=") setZoom(zoom * ZOOM_STEP);
    if (event.key === "-") setZoom(zoom / ZOOM_STEP);
  }});
  // Start at full size (readable labels) for a big graph, and enlarge a small one to the width;
  // then show the first step, the output, where backward starts.
  setZoom(Math.min(1.5, Math.max(1, (viewport.clientWidth - 4) / largestSize()[0])), 0, 0);
  viewport.scrollLeft = 0; viewport.scrollTop = 0;
  show(0);
</script>
</body>
</html>
"""


def find_renderer():
    """The program that draws the pictures, as (name, path): Graphviz's own `dot` when it is on
    PATH, else graphviz-pure (`pip install graphviz-pure`: a port of dot in one program), else None.
    """
    for name in RENDERERS:
        path = shutil.which(name) or _installed_next_to_python(name)
        if path:
            return name, path
    return None


RENDERERS = ("dot", "graphviz-pure")  # in order of preference
# Where pip puts a package's programs; a virtual environment's is not on PATH unless activated.
SCRIPT_DIRS = [Path(sys.executable).parent, Path(sysconfig.get_path("scripts"))]
INSTALL_HINT = (
    "Install Graphviz (`sudo apt-get install graphviz` on Debian/Ubuntu, `brew install graphviz` on"
    " macOS, `conda install graphviz` with conda) or `pip install graphviz-pure`."
)


def _installed_next_to_python(name):
    for folder in SCRIPT_DIRS:
        if (folder / name).is_file() and os.access(folder / name, os.X_OK):
            return str(folder / name)
    return None


def _pipe(graph, fmt, caller):
    """The picture as bytes, from `dot` or graphviz-pure, with a helpful error when neither is there."""
    renderer = find_renderer()
    if renderer is None:
        raise RuntimeError(
            f"{caller}: Graphviz's `dot` program was not found, and it is needed to draw {fmt}. "
            + INSTALL_HINT
            + " Without it, `graph.source` still gives the DOT text."
        )
    name, program = renderer
    if name == "dot":
        return graph.pipe(format=fmt)
    if fmt == "pdf":
        raise RuntimeError(
            f"{caller}: graphviz-pure (drawing because Graphviz's `dot` is not installed) cannot"
            " write pdf; ask for svg or png, or install Graphviz"
        )
    # graphviz-pure warns on stderr about the width of non-ASCII characters (our &#160;), and draws.
    done = subprocess.run(
        [program, f"-T{fmt}"], input=graph.source.encode("utf-8"), capture_output=True
    )
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise RuntimeError(f"{caller}: graphviz-pure failed to draw {fmt}: {message}")
    return done.stdout


def _check_frames(frames):
    if not isinstance(frames, (list, tuple)) or not frames:
        raise ValueError("save_frames: frames must be a non-empty list of graphviz.Digraph")
    for k, frame in enumerate(frames):
        if not isinstance(frame, graphviz.Digraph):
            raise TypeError(
                f"save_frames: frames[{k}] must be a graphviz.Digraph, got {type(frame).__name__}"
            )
