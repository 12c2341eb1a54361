"""Graph pictures: what draw_graph and the backward step-through put in the picture.

The DOT text is parsed back into nodes, edges and labels, and compared with the graph and with
gradients worked out by hand. A few tests run Graphviz's `dot` for real and read the SVG it drew.
"""

import html
import math
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import minigrad as mg
from minigrad.viz import (
    backward_frames,
    backward_snapshots,
    describe,
    draw_graph,
    output,
    render,
    save_frames,
)
from minigrad.viz.collapse import COLLAPSE_ABOVE
from minigrad.viz.graph import KIND_STYLE

NODE = re.compile(r"^\t+(\w+) \[(.*)\]$")
EDGE = re.compile(r"^\t+(\w+) -> (\w+)")


# ----- reading a drawn graph back -----
def nodes(graph) -> dict:
    """Node id -> its attribute text, for every node statement in the DOT source."""
    found = {}
    for line in graph.source.splitlines():
        match = NODE.match(line)
        if match and match.group(1) not in ("node", "edge", "graph"):
            found[match.group(1)] = match.group(2)
    return found


def edges(graph) -> list:
    return [EDGE.match(line).groups() for line in graph.source.splitlines() if EDGE.match(line)]


def parse_attrs(attrs: str) -> dict:
    """`key=value ...` from a DOT node statement; values are bare, "quoted" or <HTML>."""
    found = {}
    rest = attrs.strip()
    while rest:
        key, rest = rest.split("=", 1)
        if rest.startswith("<"):  # an HTML label, nested tags and all: up to the matching >
            depth = np.cumsum([{"<": 1, ">": -1}.get(char, 0) for char in rest])
            end = int(np.argmax(depth == 0))
            found[key], rest = rest[1:end], rest[end + 1 :]
        elif rest.startswith('"'):
            end = rest.index('"', 1)
            found[key], rest = rest[1:end], rest[end + 1 :]
        else:
            found[key], _, rest = rest.partition(" ")
        rest = rest.strip()
    return found


def classes(attrs: str) -> set:
    return set(parse_attrs(attrs)["class"].split())


def attr(attrs: str, name: str) -> str:
    return parse_attrs(attrs)[name]


def text(attrs: str) -> str:
    """The label as plain text, one line per label line."""
    label = parse_attrs(attrs)["label"].replace("<BR/>", "\n")
    return html.unescape(re.sub(r"<[^>]+>", "", label)).replace("\xa0", " ")


def graph_label(graph) -> str:
    """The picture's title, colour key and notes, as plain text."""
    line = next(line for line in graph.source.splitlines() if line.startswith("\tlabel=<"))
    return text(line.strip()).replace("\n", " ")


def tensor_nodes(graph):
    return {k: v for k, v in nodes(graph).items() if "tensor" in classes(v)}


def op_nodes(graph):
    return {k: v for k, v in nodes(graph).items() if "op" in classes(v)}


def node_named(graph, name):
    """The one tensor node whose label's first line is `name`."""
    found = [k for k, v in tensor_nodes(graph).items() if text(v).split("\n")[0] == name]
    assert len(found) == 1, f"{name!r} labels {len(found)} nodes"
    return found[0]


def line_starts(label: str) -> set:
    return {line.split()[0] for line in label.split("\n")}


def g4(x) -> str:
    return f"{x:.4g}"


# ----- a tiny expression, with its gradients worked out by hand -----
A, B = 2.0, -3.0


def tiny():
    """y = tanh(a * b + a), with a = 2, b = -3."""
    a = mg.tensor(A, requires_grad=True)
    b = mg.tensor(B, requires_grad=True)
    a.name, b.name = "a", "b"
    y = (a * b + a).tanh()
    y.name = "y"
    return a, b, y


def tiny_grads_by_hand():
    """dy/d(every tensor) by the chain rule: c = a*b + a, y = tanh(c)."""
    c = A * B + A
    dc = 1 - math.tanh(c) ** 2
    return {"y": 1.0, "c": dc, "ab": dc, "a": dc * (B + 1), "b": dc * A}


def test_expression_has_one_node_per_tensor_and_per_op():
    a, b, y = tiny()
    graph = draw_graph(y)
    assert len(tensor_nodes(graph)) == 5  # a, b, a*b, a*b + a, tanh
    assert sorted(text(v) for v in op_nodes(graph).values()) == ["add", "mul", "tanh"]


def test_tensor_used_twice_is_one_node_with_two_out_edges():
    a, b, y = tiny()
    graph = draw_graph(y)
    a_id = node_named(graph, "a")
    ops_fed_by_a = [head for tail, head in edges(graph) if tail == a_id]
    assert sorted(text(op_nodes(graph)[head]) for head in ops_fed_by_a) == ["add", "mul"]


def test_tensor_used_twice_by_one_op_has_two_edges_into_it():
    a = mg.tensor(3.0, requires_grad=True)
    a.name = "a"
    graph = draw_graph(a * a)
    a_id = node_named(graph, "a")
    assert len(tensor_nodes(graph)) == 2
    assert [head for tail, head in edges(graph) if tail == a_id] == ["op_t1", "op_t1"]


def test_edges_run_from_inputs_to_op_to_output():
    a, b, y = tiny()
    graph = draw_graph(y)
    ops = op_nodes(graph)
    by_op = {text(v): k for k, v in ops.items()}
    mul_in = {tail for tail, head in edges(graph) if head == by_op["mul"]}
    assert mul_in == {node_named(graph, "a"), node_named(graph, "b")}
    tanh_out = [head for tail, head in edges(graph) if tail == by_op["tanh"]]
    assert tanh_out == [node_named(graph, "y")]
    # Every op has exactly one out-edge, to the tensor it made.
    assert all(sum(tail == op for tail, _ in edges(graph)) == 1 for op in ops)


def test_labels_show_name_shape_dtype_values_and_gradients_by_hand():
    a, b, y = tiny()
    before = draw_graph(y)
    assert "grad" not in line_starts(text(tensor_nodes(before)[node_named(before, "a")]))
    y.backward()
    graph = draw_graph(y)
    hand = tiny_grads_by_hand()
    for name, value in (("a", A), ("b", B)):
        label = text(tensor_nodes(graph)[node_named(graph, name)])
        assert "shape ()" in label and "float32" in label
        assert f"data {g4(value)}" in label
        assert f"grad {g4(hand[name])}" in label
    y_label = text(tensor_nodes(graph)[node_named(graph, "y")])
    assert f"data {g4(math.tanh(A * B + A))}" in y_label and "grad 1" in y_label


def test_unnamed_tensors_get_short_automatic_labels():
    a, b, y = tiny()
    titles = sorted(text(v).split("\n")[0] for v in tensor_nodes(draw_graph(y)).values())
    assert titles == ["a", "b", "t2", "t3", "y"]


def test_small_arrays_are_printed_in_full_and_large_ones_summarised():
    small = mg.tensor([[1.5, -2.0], [0.25, 4.0]], requires_grad=True)
    small.name = "small"
    large = mg.tensor(np.arange(12, dtype=np.float32).reshape(3, 4) / 7, requires_grad=True)
    large.name = "large"
    loss = (small * small).sum() + (large * large).sum()
    loss.backward()
    graph = draw_graph(loss)
    small_label = text(tensor_nodes(graph)[node_named(graph, "small")])
    assert "data [[1.5, -2],\n      [0.25, 4]]" in small_label
    assert "grad [[3, -4],\n      [0.5, 8]]" in small_label  # 2 * small
    large_label = text(tensor_nodes(graph)[node_named(graph, "large")])
    values = np.arange(12) / 7
    assert f"data mean {g4(values.mean())}  norm {g4(np.sqrt((values**2).sum()))}" in large_label
    assert f"grad mean {g4(2 * values.mean())}  norm {g4(2 * np.sqrt((values**2).sum()))}" in (
        large_label
    )
    assert "shape (3, 4)" in large_label


def test_describe_prints_values_plainly():
    assert describe(np.array(-0.0)) == ["0"]
    assert describe(np.array([1.0, -0.0, 1 / 3], dtype=np.float32)) == ["[1, 0, 0.3333]"]
    assert describe(np.array([True, False])) == ["[ True, False]"]
    assert describe(np.arange(3)) == ["[0, 1, 2]"]
    assert describe(np.arange(7)) == [f"mean 3  norm {g4(np.sqrt(91))}"]


def test_show_data_and_show_grad_can_be_turned_off():
    a, b, y = tiny()
    y.backward()
    label = text(tensor_nodes(draw_graph(y, show_data=False, show_grad=False))["t0"])
    assert line_starts(label) == {"a", "shape"}


def mlp_and_loss():
    mg.manual_seed(0)
    model = mg.nn.MLP([2, 4, 1])
    x = mg.randn(3, 2)
    x.name = "x"
    loss = ((model(x) - mg.tensor([[1.0], [0.0], [1.0]])) ** 2).mean()
    loss.name = "loss"
    loss.backward()
    return model, x, loss


def test_parameters_carry_their_model_names_and_their_own_style():
    model, x, loss = mlp_and_loss()
    graph = draw_graph(loss, model=model)
    params = dict(model.named_parameters())
    assert list(params) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    fills = {}
    for name, param in params.items():
        attrs = tensor_nodes(graph)[node_named(graph, name)]
        assert classes(attrs) >= {"tensor", "parameter"}
        assert f"shape {param.shape}" in text(attrs)
        fills.setdefault("parameter", set()).add(attr(attrs, "fillcolor"))
    for attrs in tensor_nodes(graph).values():
        kind = (classes(attrs) - {"tensor", "output", "visited", "current"}).pop()
        fills.setdefault(kind, set()).add(attr(attrs, "fillcolor"))
    # The input and the target are constants, the rest activations: three looks, one per kind.
    assert set(fills) == {"parameter", "activation", "constant"}
    assert all(len(colours) == 1 for colours in fills.values())
    assert len({colours.pop() for colours in fills.values()}) == 3
    x_attrs = tensor_nodes(graph)[node_named(graph, "x")]
    assert "constant" in classes(x_attrs) and "dashed" in attr(x_attrs, "style")
    legend = graph_label(graph)
    assert "parameter" in legend and "activation" in legend and "constant" in legend


def test_without_a_model_a_requires_grad_leaf_is_styled_as_a_parameter():
    a, b, y = tiny()
    attrs = tensor_nodes(draw_graph(y))[node_named(draw_graph(y), "a")]
    assert "parameter" in classes(attrs)
    assert attr(attrs, "fillcolor") == KIND_STYLE["parameter"]["fillcolor"]


def test_each_linear_layer_is_boxed_with_its_parameters_and_op():
    model, x, loss = mlp_and_loss()
    source = draw_graph(loss, model=model).source
    blocks = [block.split("\n\t}")[0] for block in source.split("subgraph cluster_")[1:]]
    assert len(blocks) == 2  # ReLU has no parameters to place it by
    for index, block in zip(("0", "2"), blocks):
        assert f'label="{index}: Linear"' in block
        names = [text(m.group(2)).split("\n")[0] for m in map(NODE.match, block.split("\n")) if m]
        assert f"{index}.weight" in names and f"{index}.bias" in names
        assert "linear" in names  # the op that uses them


def test_a_single_layer_model_is_one_box_named_after_its_class():
    mg.manual_seed(0)
    layer = mg.nn.Linear(3, 2)
    out = layer(mg.randn(4, 3)).sum()
    graph = draw_graph(out, model=layer)
    assert graph.source.count("subgraph cluster_") == 1 and "label=Linear" in graph.source
    assert {"weight", "bias"} <= {text(v).split("\n")[0] for v in tensor_nodes(graph).values()}


def chain(n):
    """x -> tanh -> tanh -> ... (n ops)."""
    x = mg.tensor([0.5], requires_grad=True)
    x.name = "x"
    y = x
    for _ in range(n):
        y = y.tanh()
    y.name = "end"
    return x, y


def test_max_nodes_caps_the_picture_and_says_what_was_left_out():
    x, y = chain(30)  # 31 tensors and 30 ops
    graph = draw_graph(y, max_nodes=10)
    drawn = tensor_nodes(graph)
    assert len(drawn) + len(op_nodes(graph)) == 10  # 5 tensors with their 5 ops, nearest the end
    assert sorted(drawn) == ["t26", "t27", "t28", "t29", "t30"]
    assert "left-out" in classes(nodes(graph)["left_out"])
    assert ("left_out", "op_t26") in edges(graph)
    note = graph_label(graph)
    assert "max_nodes=10" in note and "26 tensors and 25 ops" in note


def test_a_graph_under_the_cap_has_no_note():
    x, y = chain(3)
    graph = draw_graph(y, max_nodes=7)
    assert len(nodes(graph)) == 7 and "Not drawn" not in graph_label(graph)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"root": [1.0]}, TypeError, "draw_graph: root must be a Tensor, got list"),
        ({"max_nodes": 1}, ValueError, "draw_graph: max_nodes must be an int >= 2, got 1"),
        ({"rankdir": "up"}, ValueError, "draw_graph: rankdir must be one of .*, got 'up'"),
        ({"model": "mlp"}, TypeError, "draw_graph: model must be a Module, got str"),
    ],
)
def test_draw_graph_rejects_bad_arguments(kwargs, error, message):
    kwargs = {"root": tiny()[2], **kwargs}
    with pytest.raises(error, match=message):
        draw_graph(**kwargs)


# ----- the step-through -----
def test_one_frame_per_tensor_backward_visits_and_the_highlight_grows_by_one():
    a, b, y = tiny()
    n_visited = len(mg.topological_order(y))
    frames = backward_frames(y)
    assert len(frames) == n_visited == 5
    previous = set()
    for frame in frames:
        tensors = tensor_nodes(frame)
        highlighted = {k for k, v in tensors.items() if classes(v) & {"visited", "current"}}
        current = [k for k, v in tensors.items() if "current" in classes(v)]
        assert len(current) == 1 and current[0] not in previous
        assert highlighted == previous | set(current)
        previous = highlighted
    assert node_named(frames[0], "y") in previous and len(previous) == 5


def test_frames_show_each_gradient_as_it_is_at_that_step():
    a, b, y = tiny()
    frames = backward_frames(y)
    hand = tiny_grads_by_hand()
    names = {"y": "y", "t3": "c", "t2": "ab", "a": "a", "b": "b"}  # label -> hand-worked name
    order = [
        text(v).split("\n")[0]
        for f in frames
        for v in tensor_nodes(f).values()
        if "current" in classes(v)
    ]
    assert order[:3] == ["y", "t3", "t2"] and sorted(order[3:]) == ["a", "b"]
    for k, frame in enumerate(frames):
        for title, key in names.items():
            label = text(tensor_nodes(frame)[node_named(frame, title)])
            if title in order[: k + 1]:
                assert f"grad {g4(hand[key])}" in label, (k, title, label)
            else:
                assert "grad ·" in label, (k, title, label)
    caption = graph_label(frames[1])
    assert "step 2 of 5" in caption and "t3" in caption and "add VJP" in caption


def test_snapshots_are_copies_that_later_backward_passes_do_not_change():
    a = mg.tensor([1.0, 2.0], requires_grad=True)
    first = backward_snapshots((a * 3.0).sum())
    assert len(first) == 3  # sum, mul, a
    np.testing.assert_array_equal(first[-1].grads[a], [3.0, 3.0])
    second = backward_snapshots((a * a).sum())  # adds 2a into a.grad, in place
    np.testing.assert_array_equal(a.grad, [5.0, 7.0])
    np.testing.assert_array_equal(first[-1].grads[a], [3.0, 3.0])
    np.testing.assert_array_equal(second[0].grads[a], [3.0, 3.0])  # not visited yet this pass
    assert [step.index for step in second] == [0, 1, 2]
    assert second[-1].tensor is a and second[-1].visited[0] is second[0].tensor


def test_step_through_of_a_vector_output_starts_from_the_given_grad():
    x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x.name = "x"
    y = x * x
    frames = backward_frames(y, grad=np.array([1.0, 0.0, 2.0]))
    assert len(frames) == 2
    assert "start at the output t1, whose grad is the one given to backward()" in graph_label(
        frames[0]
    )
    x_label = text(tensor_nodes(frames[1])[node_named(frames[1], "x")])
    assert "grad [2, 0, 12]" in x_label  # 2 * x * grad, by hand


def test_step_through_needs_a_root_that_requires_grad():
    constant = mg.tensor([1.0, 2.0]).sum()
    with pytest.raises(RuntimeError, match="backward_frames: root does not require grad"):
        backward_frames(constant)
    with pytest.raises(TypeError, match="backward_snapshots: root must be a Tensor, got float"):
        backward_snapshots(1.0)


def test_every_frame_has_the_same_layout():
    a, b, y = tiny()
    frames = backward_frames(y)

    def positions(frame):
        plain = frame.pipe(format="plain").decode().splitlines()
        return [line.split()[:4] for line in plain if line.startswith(("graph", "node"))]

    first = positions(frames[0])
    assert len(first) == 1 + 8
    assert all(positions(frame) == first for frame in frames[1:])


# ----- rendering with dot -----
def test_render_writes_a_real_svg_with_the_labels(tmp_path):
    a, b, y = tiny()
    y.backward()
    path = render(draw_graph(y), tmp_path / "tiny.svg")
    svg = path.read_text()
    assert svg.count('class="node tensor') == 5 and svg.count('class="node op') == 3
    assert (
        svg.count('class="edge"') == 8
    )  # a, b -> mul; mul -> t2; t2, a -> add; -> t3; -> tanh; -> y
    svg_text = html.unescape(" ".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg)))
    svg_text = svg_text.replace("\xa0", " ")
    for expected in ("a", "b", "y", "mul", "add", "tanh", f"grad {g4(tiny_grads_by_hand()['a'])}"):
        assert expected in svg_text


def test_render_writes_a_png_of_sensible_size(tmp_path):
    a, b, y = tiny()
    path = render(draw_graph(y), tmp_path / "tiny.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = Image.open(path).size
    assert width > 2 * height > 200


def test_render_rejects_an_unknown_format(tmp_path):
    with pytest.raises(ValueError, match="render: fmt must be one of .*'jpeg'"):
        render(draw_graph(tiny()[2]), tmp_path / "x.jpeg")


def only_programs(tmp_path, monkeypatch, **programs):
    """PATH holds only the given programs (name -> path or script text); no scripts beside Python."""
    folder = tmp_path / "bin"
    folder.mkdir(exist_ok=True)
    for name, program in programs.items():
        target = folder / name
        if isinstance(program, Path):
            target.symlink_to(program)
        else:
            target.write_text(program)
            target.chmod(0o755)
    monkeypatch.setenv("PATH", str(folder))
    monkeypatch.setattr(output, "SCRIPT_DIRS", [])
    return folder


def test_missing_dot_gives_an_error_that_says_how_to_install_it(tmp_path, monkeypatch):
    graph = draw_graph(tiny()[2])
    only_programs(tmp_path, monkeypatch)  # neither dot nor graphviz-pure
    assert output.find_renderer() is None
    with pytest.raises(RuntimeError, match=r"`dot` program was not found") as info:
        render(graph, tmp_path / "x.svg")
    assert "apt-get install graphviz" in str(info.value)
    assert "pip install graphviz-pure" in str(info.value)
    assert "graph.source" in str(info.value)
    assert graph.source.startswith("digraph")  # still there without dot


def graphviz_pure_or_stand_in():
    """The real graphviz-pure when it is installed; else a stand-in that runs the system's dot
    with the same arguments, so that the fallback's wiring (-Tfmt, DOT on stdin, the picture on
    stdout) is tested either way."""
    real = shutil.which("graphviz-pure") or output._installed_next_to_python("graphviz-pure")
    return Path(real) if real else f'#!/bin/sh\nexec {shutil.which("dot")} "$@"\n'


def test_dot_comes_first_and_graphviz_pure_draws_when_dot_is_missing(tmp_path, monkeypatch):
    stand_in = graphviz_pure_or_stand_in()
    folder = only_programs(tmp_path, monkeypatch, **{"graphviz-pure": stand_in})
    assert output.find_renderer() == ("graphviz-pure", str(folder / "graphviz-pure"))
    a, b, y = tiny()
    y.backward()
    svg = render(draw_graph(y), tmp_path / "x.svg").read_text()
    assert svg.count('class="node') == len(nodes(draw_graph(y))) == 8  # 5 tensors, 3 ops
    for value in ("data 2", "grad 1", "mul", "add", "tanh"):
        assert value in html.unescape(svg).replace("\xa0", " ")
    png = Image.open(render(draw_graph(y), tmp_path / "x.png"))
    assert png.width > 300 and png.height > 100
    with pytest.raises(RuntimeError, match="graphviz-pure .* cannot write pdf"):
        render(draw_graph(y), tmp_path / "x.pdf")
    (folder / "dot").symlink_to(shutil.which("dot", path="/usr/bin:/usr/local/bin"))
    assert output.find_renderer() == ("dot", str(folder / "dot"))


def test_save_frames_writes_pngs_a_gif_and_a_stepping_page(tmp_path):
    a, b, y = tiny()
    frames = backward_frames(y)
    saved = save_frames(frames, tmp_path / "steps")
    assert [p.name for p in saved.frames] == [f"step_{k:03d}.png" for k in range(5)]
    assert all(p.read_bytes()[:4] == b"\x89PNG" for p in saved.frames)
    gif = Image.open(saved.gif)
    assert gif.n_frames == 5
    pictures = []
    for k in range(5):
        gif.seek(k)
        pictures.append(np.asarray(gif.convert("L")))
    assert all(picture.min() < 60 for picture in pictures)  # text and borders are drawn
    assert all((pictures[k] != pictures[k + 1]).any() for k in range(4))  # the highlight moves
    page = saved.html.read_text()
    assert page.count("<svg") == 5 and page.count('<div class="frame">') == 5
    assert 'max="4"' in page and "ArrowRight" in page
    assert "step 3 of 5" in html.unescape(page).replace("\xa0", " ")


def test_save_frames_svg_only(tmp_path):
    frames = backward_frames(tiny()[2])
    saved = save_frames(frames, tmp_path, fmt="svg", gif=False, html=False)
    assert saved.gif is None and saved.html is None
    assert saved.frames[2].read_text().count("<svg") == 1


@pytest.mark.parametrize(
    "frames, error, message",
    [
        ([], ValueError, "save_frames: frames must be a non-empty list"),
        (
            ["not a graph"],
            TypeError,
            r"save_frames: frames\[0\] must be a graphviz.Digraph, got str",
        ),
    ],
)
def test_save_frames_rejects_bad_frames(tmp_path, frames, error, message):
    with pytest.raises(error, match=message):
        save_frames(frames, tmp_path)


def test_save_frames_rejects_an_unknown_format(tmp_path):
    with pytest.raises(ValueError, match="save_frames: fmt must be one of .*'gif'"):
        save_frames(backward_frames(tiny()[2]), tmp_path, fmt="gif")


def test_save_frames_removes_frames_an_earlier_run_left_in_the_folder(tmp_path):
    save_frames(backward_frames(chain(6)[1]), tmp_path, fmt="svg", gif=False, html=False)
    (tmp_path / "notes.txt").write_text("mine")  # anything not a frame stays
    (tmp_path / "step_001.png").write_bytes(b"an old png frame")
    saved = save_frames(backward_frames(tiny()[2]), tmp_path, fmt="svg", gif=False, html=False)
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == ["notes.txt"] + [p.name for p in saved.frames]
    assert len(saved.frames) == 5


# ----- collapsing modules -----
def relu_mlp_graph(sizes, **kwargs):
    mg.manual_seed(0)
    model = mg.nn.MLP(sizes, activation="relu")
    x = mg.Tensor(np.ones((4, sizes[0]), np.float32), name="x")
    loss = mg.nn.functional.cross_entropy(model(x), mg.Tensor(np.zeros(4, np.int64)))
    loss.backward()
    return model, draw_graph(loss, model=model, **kwargs)


def module_nodes(graph):
    return {name: attrs for name, attrs in nodes(graph).items() if "module" in classes(attrs)}


def test_auto_collapse_threshold_sits_between_3_and_4_layers():
    _, three = relu_mlp_graph([2, 8, 8, 2])
    _, four_expanded = relu_mlp_graph([2, 8, 8, 8, 2], collapse=False)
    n_three, n_four = len(nodes(three)), len(nodes(four_expanded))
    assert n_three <= COLLAPSE_ABOVE < n_four
    assert module_nodes(three) == {}  # drawn in full
    _, four = relu_mlp_graph([2, 8, 8, 8, 2])
    assert sorted(module_nodes(four)) == ["module_0", "module_2", "module_4", "module_6"]
    assert f"the full graph has {n_four} nodes" in graph_label(four)
    assert "collapse=False" in graph_label(four)  # the note says how to expand


def test_a_collapsed_linear_is_one_node_with_its_parameters_summarised():
    model, graph = relu_mlp_graph([2, 8, 8, 2], collapse=True)
    found = text(module_nodes(graph)["module_2"])
    weight = model[2].weight
    assert "2: Linear 8 → 8" in found
    assert f"weight (8, 8)  norm {g4(np.linalg.norm(weight.data.astype(np.float64)))}" in found
    assert f"grad norm {g4(np.linalg.norm(weight.grad.astype(np.float64)))}" in found
    assert "output (4, 8)" in found
    names = [text(attrs).split("\n")[0] for attrs in tensor_nodes(graph).values()]
    assert not any(name.endswith(("weight", "bias")) for name in names)  # all inside modules
    # data flows x -> module 0 -> relu -> ... : the module takes the input and feeds the activation
    ids = {text(a).split("\n")[0]: n for n, a in tensor_nodes(graph).items()}
    assert (ids["x"], "module_0") in edges(graph)
    relu_ops = [n for n, a in op_nodes(graph).items() if text(a) == "relu"]
    assert any(("module_0", op) in edges(graph) for op in relu_ops)


def test_collapse_by_name_collapses_only_those_modules():
    _, graph = relu_mlp_graph([2, 8, 8, 8, 2], collapse=["0", "4"])
    assert sorted(module_nodes(graph)) == ["module_0", "module_4"]
    titles = [text(a).split("\n")[0] for a in tensor_nodes(graph).values()]
    assert "2.weight" in titles and "0.weight" not in titles


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"collapse": True, "model": None}, ValueError, "draw_graph: collapse needs model="),
        ({"collapse": ["9"]}, ValueError, r"collapse names \['9'\] are not sub-modules"),
        ({"collapse": "0"}, TypeError, "collapse must be None, True, False or a list"),
    ],
)
def test_collapse_rejects_bad_arguments(kwargs, error, message):
    mg.manual_seed(0)
    model = mg.nn.MLP([2, 3, 1])
    loss = model(mg.ones(1, 2)).sum()
    with pytest.raises(error, match=message):
        draw_graph(loss, **{"model": model, **kwargs})


def test_graph_command_collapses_a_deep_mlp_unless_asked_to_expand(tmp_path, capsys):
    from minigrad import cli

    argv = ["graph", "--mlp", "2,8,8,8,8,2", "--out"]
    assert cli.main([*argv, str(tmp_path / "collapsed.dot")]) == 0
    assert cli.main([*argv, str(tmp_path / "expanded.dot"), "--expand"]) == 0
    collapsed = (tmp_path / "collapsed.dot").read_text()
    expanded = (tmp_path / "expanded.dot").read_text()
    assert collapsed.count('class="module collapsed"') == 5
    assert "module_" not in expanded and "0.weight" in expanded
