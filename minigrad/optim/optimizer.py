"""The Optimizer base class: param groups, per-parameter state, the step loop and state_dict.

An optimizer sees parameters as objects with two numpy arrays, ``.data`` and ``.grad`` (None when
there is no gradient), and nothing else of the graph. A subclass supplies only its update rule:

- ``state_buffers``: ``{name: init}``, one per-weight state buffer each (e.g. Adam's ``exp_avg``);
  ``init(group, data)`` returns its initial values for the flat parameter values ``data``, or
  None when the group's options do not use it (SGD without momentum has no momentum buffer).
- ``scalar_state``: ``{name: initial value}``, per-parameter numbers besides ``step``.
- ``_check_group(group)``: raise ValueError for bad hyper-parameters (runs for every group).
- ``_update(group, param, grad, state, scalars, step)``: call the kernel. ``param``, ``grad`` and
  each ``state[name]`` are 1-D arrays of one dtype (several parameters end to end, or one);
  ``scalars[name]`` has one entry per parameter in the call, all equal; ``step`` counts this step
  (1 on the first).
"""

import math
import numbers

import numpy as np

from minigrad.optim._flat import SUPPORTED_DTYPES, FlatChunk


def check_non_negative(owner, name, value):
    """Raise ``ValueError("Adam: lr must be >= 0, got -0.1")`` unless ``0 <= value``."""
    if not isinstance(value, numbers.Real) or not value >= 0:  # `not >=` rejects nan too
        raise ValueError(f"{owner}: {name} must be >= 0, got {value!r}")


def check_beta(owner, name, value):
    """Raise ValueError unless ``0 <= value < 1`` (a decay rate such as a beta)."""
    if not isinstance(value, numbers.Real) or not 0 <= value < 1:
        raise ValueError(f"{owner}: {name} must be in [0, 1), got {value!r}")


def check_betas(owner, betas):
    """Raise ValueError unless ``betas`` is a pair of decay rates in [0, 1)."""
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise ValueError(f"{owner}: betas must be a pair (beta1, beta2), got {betas!r}")
    check_beta(owner, "betas[0]", betas[0])
    check_beta(owner, "betas[1]", betas[1])


def bias_correction(beta, step):
    """``1 - beta**step``: how far an exponential average started at zero still is from unbiased."""
    return 1.0 - math.pow(beta, step)


def optional_buffer(owner, state, name, param, needed):
    """``state[name]`` if the update needs it, else an empty array the kernel never indexes.

    A buffer is made at a group's first step only if that step's options need it; switching the
    option on later (e.g. ``amsgrad``) finds no buffer, and must fail here, not index past an end.
    """
    if not needed:
        return param[:0]
    if name not in state:
        raise ValueError(
            f"{owner}: the option that needs state {name!r} was switched on after the first "
            "step; build a new optimizer (or load a state dict saved with that option on)"
        )
    return state[name]


class IdentityDict:
    """A dict keyed by object identity: parameters may define ``==`` elementwise and be unhashable.

    Missing keys read as a fresh empty dict, as ``torch.optim``'s ``state`` (a defaultdict) does.
    """

    def __init__(self):
        self._items = {}  # id(key) -> (key, value); keeping the key alive keeps its id unique

    def __getitem__(self, key):
        if id(key) not in self._items:
            self._items[id(key)] = (key, {})
        return self._items[id(key)][1]

    def __setitem__(self, key, value):
        self._items[id(key)] = (key, value)

    def __contains__(self, key):
        return id(key) in self._items

    def __len__(self):
        return len(self._items)

    def keys(self):
        return [key for key, _ in self._items.values()]

    def values(self):
        return [value for _, value in self._items.values()]

    def items(self):
        return list(self._items.values())


class Optimizer:
    """Base class of all optimizers (PyTorch's interface): param groups, state, step, state_dict.

    ``params`` is an iterable of parameters or of dicts (param groups), each dict holding
    ``"params"`` and any hyper-parameters that override ``defaults`` for that group.
    """

    state_buffers = {}
    scalar_state = {}

    def __init__(self, params, defaults):
        self.defaults = dict(defaults)
        self.state = IdentityDict()
        self.param_groups = []
        self._chunks = []  # per param group: its FlatChunks, built at its first step
        if hasattr(params, "data"):
            raise TypeError(
                f"{self._name}: params must be an iterable of parameters or of dicts, "
                f"got a single {type(params).__name__}; wrap it in a list"
            )
        try:
            groups = list(params)
        except TypeError:
            raise TypeError(
                f"{self._name}: params must be an iterable of parameters or of dicts, "
                f"got {type(params).__name__}"
            ) from None
        if not groups:
            raise ValueError(f"{self._name}: params is an empty list; there is nothing to optimize")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    @property
    def _name(self):
        return type(self).__name__

    def __repr__(self):
        settings = ", ".join(f"{k}={v!r}" for k, v in self.defaults.items())
        return f"{self._name}({settings}; {len(self.param_groups)} param group(s))"

    def _check_group(self, group):
        """Raise ValueError for bad hyper-parameters in ``group``; subclasses extend this."""

    def add_param_group(self, param_group):
        """Add a group of parameters with its own hyper-parameters (others from ``defaults``)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"{self._name}: a param group must be a dict, got {param_group!r}")
        params = param_group.get("params")
        params = [params] if hasattr(params, "data") else list(params or [])
        if not params:
            raise ValueError(f"{self._name}: a param group has an empty 'params' list")
        if all(isinstance(p, tuple) and len(p) == 2 and isinstance(p[0], str) for p in params):
            # (name, parameter) pairs, as model.named_parameters() yields: keep the names
            param_group = {**param_group, "param_names": [name for name, _ in params]}
            params = [p for _, p in params]
        unknown = set(param_group) - set(self.defaults) - {"params", "param_names"}
        if unknown:
            raise ValueError(f"{self._name}: unknown hyper-parameter(s) {sorted(unknown)}")
        seen = {id(p) for group in self.param_groups for p in group["params"]}
        for p in params:
            if not isinstance(getattr(p, "data", None), np.ndarray):
                raise TypeError(
                    f"{self._name}: a parameter must have a numpy array .data, got {type(p).__name__}"
                )
            if id(p) in seen:
                raise ValueError(
                    f"{self._name}: a parameter of shape {p.data.shape} is listed twice; "
                    "each parameter may appear in only one place"
                )
            seen.add(id(p))
        group = {**self.defaults, **param_group, "params": params}
        self._check_group(group)
        self.param_groups.append(group)
        self._chunks.append(None)

    def zero_grad(self, set_to_none=True):
        """Forget the gradients: set every ``.grad`` to None (default) or fill it with zeros."""
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none:
                    p.grad = None
                elif p.grad is not None:
                    p.grad[...] = 0

    def step(self, closure=None):
        """Update every parameter that has a gradient; ``closure()`` re-evaluates and returns the loss."""
        loss = None if closure is None else closure()
        for index, group in enumerate(self.param_groups):
            for chunk in self._chunks_of(index):
                self._step_chunk(group, chunk)
        return loss

    def _step_chunk(self, group, chunk):
        """Update one chunk: one kernel call if it can, else one call per parameter with a grad."""
        if chunk.in_sync and (chunk.ready_in_buffer() or chunk.collect_grads()):
            # The common case: one kernel call for the whole chunk.
            steps = chunk.scalars["step"]
            steps += 1
            self._update(group, chunk.data, chunk.grad, chunk.buffers, chunk.scalars, int(steps[0]))
            return
        # Some gradients are missing or live outside the flat buffer, or some parameters have
        # taken fewer steps than others: update the ones that have a gradient one at a time.
        if not chunk.in_sync:
            chunk.collect_grads()
        for grad, (data, _, buffers, scalars) in zip(chunk.grads, chunk.slices):
            if grad is not None:
                scalars["step"] += 1
                self._update(group, data, grad, buffers, scalars, int(scalars["step"][0]))
        if not chunk.in_sync or any(grad is None for grad in chunk.grads):
            chunk.resync()

    def _chunks_of(self, index):
        """The FlatChunks of param group ``index`` (one per dtype), built on first use."""
        if self._chunks[index] is None:
            self._chunks[index] = self._build_chunks(index)
        return self._chunks[index]

    def _build_chunks(self, index):
        group = self.param_groups[index]
        first = sum(len(g["params"]) for g in self.param_groups[:index])
        by_dtype = {}
        for number, p in enumerate(group["params"], start=first):
            if p.data.dtype not in SUPPORTED_DTYPES:
                raise TypeError(
                    f"{self._name}: parameter {number} has dtype {p.data.dtype}; "
                    "only float32 and float64 parameters can be optimized"
                )
            by_dtype.setdefault(p.data.dtype, []).append((number, p))
        buffer_init = {
            name: (lambda data, init=init: init(group, data))
            for name, init in self.state_buffers.items()
        }
        chunks = []
        for members in by_dtype.values():
            numbers = [number for number, _ in members]
            params = [p for _, p in members]
            chunk = FlatChunk(self._name, params, numbers, buffer_init, self.scalar_state)
            for i, p in enumerate(params):
                self.state[p] = chunk.state_of(i)
            chunks.append(chunk)
        return chunks

    def _update(self, group, param, grad, state, scalars, step):
        raise NotImplementedError(f"{self._name} does not define _update")

    # --- saving and resuming ---------------------------------------------------------------

    def state_dict(self):
        """A snapshot (copies) of the state and hyper-parameters, parameters numbered in order.

        ``{"state": {number: {name: array}}, "param_groups": [{..., "params": [numbers]}]}``.
        Unlike ``torch.optim`` it copies, so later steps do not change a saved dict.
        """
        numbers = {}
        groups = []
        for group in self.param_groups:
            saved = {k: v for k, v in group.items() if k != "params"}
            saved["params"] = []
            for p in group["params"]:
                numbers[id(p)] = len(numbers)
                saved["params"].append(numbers[id(p)])
            groups.append(saved)
        state = {
            numbers[id(p)]: {name: np.array(value, copy=True) for name, value in entry.items()}
            for p, entry in self.state.items()
            if entry and id(p) in numbers
        }
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Restore hyper-parameters and state saved by ``state_dict()``; training resumes exactly.

        Also accepts the flat form of ``flatten_state_dict`` (what ``minigrad.load`` returns for a
        file written by ``minigrad.save(flatten_state_dict(opt.state_dict()), path)``).
        """
        if "param_groups" not in state_dict:
            state_dict = unflatten_state_dict(state_dict)
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"{self._name}.load_state_dict: the state dict has {len(saved_groups)} param "
                f"group(s), this optimizer has {len(self.param_groups)}"
            )
        for index, (group, saved) in enumerate(zip(self.param_groups, saved_groups)):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(
                    f"{self._name}.load_state_dict: param group {index} has "
                    f"{len(saved['params'])} parameter(s) in the state dict, "
                    f"{len(group['params'])} here"
                )
        for group, saved in zip(self.param_groups, saved_groups):
            group.update({k: v for k, v in saved.items() if k != "params"})
        saved_state = state_dict["state"]
        for index, (group, saved) in enumerate(zip(self.param_groups, saved_groups)):
            for chunk in self._chunks_of(index):
                self._load_chunk(chunk, group, saved, saved_state)

    def _load_chunk(self, chunk, group, saved_group, saved_state):
        position = {id(p): k for k, p in enumerate(group["params"])}
        for i, p in enumerate(chunk.params):
            entry = saved_state.get(saved_group["params"][position[id(p)]])
            if entry is None:
                continue
            state = self.state[p]
            for name, value in entry.items():
                if name not in state:
                    raise ValueError(
                        f"{self._name}.load_state_dict: unknown state {name!r} for "
                        f"parameter {chunk.indices[i]}"
                    )
                value = np.asarray(value)
                if value.shape != state[name].shape:
                    raise ValueError(
                        f"{self._name}.load_state_dict: state {name!r} of parameter "
                        f"{chunk.indices[i]} has shape {value.shape}, expected {state[name].shape}"
                    )
                state[name][...] = value
        chunk.resync()


def flatten_state_dict(state_dict):
    """The nested ``state_dict()`` as one level of ``name -> array``, for ``minigrad.save``.

    ``{"state": {0: {"exp_avg": a}}, "param_groups": [{"lr": 0.1, "params": [0]}]}`` becomes
    ``{"state.0.exp_avg": a, "param_groups.0.lr": array(0.1), "param_groups.0.params": array([0])}``.
    """
    flat = {}
    for number, entry in state_dict["state"].items():
        for name, value in entry.items():
            flat[f"state.{number}.{name}"] = np.asarray(value)
    for index, group in enumerate(state_dict["param_groups"]):
        for name, value in group.items():
            if name != "param_names":  # strings: minigrad.save stores numbers only
                flat[f"param_groups.{index}.{name}"] = np.asarray(value)
    return flat


def unflatten_state_dict(flat):
    """Invert ``flatten_state_dict``: hyper-parameters come back as Python numbers and tuples."""
    state, groups = {}, {}
    for key, value in flat.items():
        kind, number, name = key.split(".", 2)
        if kind == "state":
            state.setdefault(int(number), {})[name] = np.asarray(value)
        elif kind == "param_groups":
            value = np.asarray(value)
            if name == "params":
                value = [int(v) for v in value]
            elif value.ndim == 0:
                value = value.item()
            else:
                value = tuple(value.tolist())
            groups.setdefault(int(number), {})[name] = value
        else:
            raise ValueError(f"load_state_dict: unexpected key {key!r} in a flat state dict")
    return {"state": state, "param_groups": [groups[i] for i in sorted(groups)]}
