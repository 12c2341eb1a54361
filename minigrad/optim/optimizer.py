"""The Optimizer base class: param groups, per-parameter state, the step loop and state_dict.

An optimizer sees parameters as objects with two numpy arrays, ``.data`` and ``.grad`` (None when
there is no gradient), and nothing else of the graph. ``step()`` updates each ``p.data`` and each
state buffer in place: nothing is re-pointed or copied in, so parameters that share memory (a
weight and its transpose) and arrays a user took from ``p.data`` see every update, as in PyTorch.

The path from ``opt.step()`` to the arithmetic is two calls: ``Optimizer.step`` gathers the
parameters that have a gradient into ``Batch``es and calls the subclass's ``update(group,
batch)``, which calls its kernel (e.g. ``Adam.update`` -> ``adam`` in adam.py). A subclass supplies:

- ``init_state(group, data)``: the parameter's state buffers at its first step (``step`` is added);
- ``update(group, batch)``: call the kernel with the group's settings, arguments by name;
- ``check_group(group)``: raise ValueError for bad hyper-parameters (runs for every group).
"""

import numbers
from operator import is_

import numpy as np

SUPPORTED_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))
# At most this many parameters per batch. numba compiles a kernel once per tuple length: 37
# parameters compile two lengths (16 and 5), 10 are one batch; longer tuples compile slowly (Adam:
# about 1 s for 16 arrays, 2 to 3 s for 32: `benchmarks/bench_optim.py --kernel-costs`).
MAX_BATCH = 16


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


def as_lr(owner, lr):
    """``lr`` as a float: a number, or a 0-d tensor or array (PyTorch accepts a tensor lr)."""
    value = lr
    if isinstance(getattr(lr, "data", None), np.ndarray):  # a minigrad Tensor: its array
        value = lr.data
    if isinstance(value, np.ndarray):
        if value.ndim != 0:
            raise ValueError(
                f"{owner}: lr must be a number or a 0-d tensor, got shape {value.shape}"
            )
        value = float(value)
    check_non_negative(owner, "lr", value)
    return value


def check_torch_flags(owner, foreach, fused, differentiable, capturable):
    """Accept PyTorch's implementation switches; refuse the two that would promise something false.

    ``foreach`` and ``fused`` choose between PyTorch's implementations of one rule; minigrad has
    one (a compiled loop over the group's arrays, like ``fused``), so they change nothing here.
    """
    for name, value in (("foreach", foreach), ("fused", fused)):
        if value not in (None, True, False):
            raise TypeError(f"{owner}: {name} must be None, True or False, got {value!r}")
    if differentiable:
        raise ValueError(
            f"{owner}: differentiable=True is not supported: minigrad's optimizers update numpy "
            "arrays in place, outside the autograd graph, so a step cannot be differentiated"
        )
    if capturable:
        raise ValueError(
            f"{owner}: capturable=True is not supported: it makes a step safe to record in a CUDA "
            "graph, and minigrad runs on numpy arrays on the CPU"
        )


def zeros_like(data):
    """A state buffer for ``data``: zeros with its shape, dtype and memory order (C or Fortran)."""
    return np.zeros(data.shape, data.dtype, order=memory_order(data))


def memory_order(data):
    """``"F"`` for a Fortran-ordered array (such as a transpose), else ``"C"``."""
    return "F" if data.flags.f_contiguous and not data.flags.c_contiguous else "C"


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


class Batch:
    """Parameters of one group and dtype that take a step together, as a kernel wants them.

    ``params[i]`` and ``grads[i]`` are 1-D arrays of parameter i's values and gradient, in its
    memory order; ``params[i]`` is a view of ``p.data`` (written in place) unless ``p.data`` is
    neither C- nor Fortran-contiguous, in which case it is a copy written back after the kernel.
    ``steps[i]`` counts parameter i's steps including this one (a float, 1.0 on the first; a
    tuple, which numba unboxes faster than an array).
    """

    def __init__(self, owner, items):
        self.owner = owner  # the optimizer's name, for error messages
        self.states = [state for _, _, state, _ in items]
        self.indices = [index for _, _, _, index in items]  # positions in step()'s list
        self.orders, params, self.copies = [], [], []
        for data, _, _, _ in items:
            order = "C" if data.flags.c_contiguous else memory_order(data)
            params.append(data.ravel(order))  # a view, unless data is not contiguous at all
            self.orders.append(order)
            if order == "C" and not data.flags.c_contiguous:
                self.copies.append((data, params[-1]))
        self.params = tuple(params)
        self.view_grads([grad for _, grad, _, _ in items])
        self.steps = tuple([float(state["step"]) for state in self.states])
        self._views = {}  # state name -> (its buffers, their 1-D views) when last asked for

    def view_grads(self, grads):
        """Take ``grads`` (already checked) as the gradients: 1-D, in the parameters' orders."""
        self.grads = tuple([grad.ravel(o) for grad, o in zip(grads, self.orders)])
        self._grad_arrays = grads
        # ravel views a gradient that is contiguous in that order and copies any other (a copy
        # has no .base); a copy must be made again at every step: the gradient may have changed
        self._grads_copied = any([g.base is None for g in self.grads])

    def next_step(self, new_grads=None):
        """Make the batch ready for one more step, with new gradient arrays if any (checked)."""
        if new_grads is not None or self._grads_copied:
            self.view_grads(new_grads or self._grad_arrays)
        for data, flat in self.copies:  # p.data may have been written since the last step
            flat.reshape(data.shape)[...] = data
        for state in self.states:
            state["step"] += 1
        self.steps = tuple([float(state["step"]) for state in self.states])

    def state(self, name):
        """Each parameter's state buffer ``name`` as a 1-D view, in the parameter's memory order."""
        try:
            buffers = [state[name] for state in self.states]
        except KeyError:
            raise ValueError(
                f"{self.owner}: the option that needs state {name!r} was switched on after the "
                "first step; build a new optimizer (or load a state dict saved with that option on)"
            ) from None
        last_buffers, views = self._views.get(name, ((), ()))
        if not all(map(is_, buffers, last_buffers)) or len(buffers) != len(last_buffers):
            # (re)view the buffers; the same buffer objects as last step keep their views
            views = tuple(buffer.ravel(o) for buffer, o in zip(buffers, self.orders))
            self._views[name] = (buffers, views)
        return views

    def write_back(self):
        """Copy the updated values of parameters that could not be viewed back into ``p.data``."""
        for data, flat in self.copies:
            data[...] = flat.reshape(data.shape)


def describe(array):
    """``shape (3, 4) and dtype float32``: for error messages."""
    return f"shape {tuple(array.shape)} and dtype {array.dtype}"


class Optimizer:
    """Base class of all optimizers (PyTorch's interface): param groups, state, step, state_dict.

    ``params`` is an iterable of parameters or of dicts (param groups), each dict holding
    ``"params"`` and any hyper-parameters that override ``defaults`` for that group.
    """

    def __init__(self, params, defaults, foreach=None, fused=None, differentiable=False,
                 capturable=False):  # fmt: skip
        check_torch_flags(type(self).__name__, foreach, fused, differentiable, capturable)
        self.defaults = dict(defaults)
        self.state = IdentityDict()
        self.param_groups = []
        self._layouts = {}  # id(p) -> (shape, dtype) its state buffers were made for
        self._last_step = None  # (step()'s arrays, the batches made of them): see _last_batches
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

    def check_group(self, group):
        """Raise ValueError for bad hyper-parameters in ``group``; subclasses extend this."""

    def init_state(self, group, data):
        """The state buffers of a parameter with values ``data`` at its first step."""
        return {}

    def update(self, group, batch):
        """One step of the update rule for ``batch``'s parameters (a subclass calls its kernel)."""
        raise NotImplementedError(f"{self._name} does not define update")

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
        first = len(seen)
        for number, p in enumerate(params, start=first):
            data = getattr(p, "data", None)
            if not isinstance(data, np.ndarray):
                raise TypeError(
                    f"{self._name}: a parameter must have a numpy array .data, got {type(p).__name__}"
                )
            if data.dtype not in SUPPORTED_DTYPES:
                raise TypeError(
                    f"{self._name}: parameter {number} has dtype {data.dtype}; "
                    "only float32 and float64 parameters can be optimized"
                )
            if id(p) in seen:
                raise ValueError(
                    f"{self._name}: a parameter of shape {data.shape} is listed twice; "
                    "each parameter may appear in only one place"
                )
            seen.add(id(p))
        group = {**self.defaults, **param_group, "params": params}
        if "lr" in group:
            group["lr"] = as_lr(self._name, group["lr"])
        self.check_group(group)
        self.param_groups.append(group)

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
        arrays = [(g, p, p.data, p.grad) for g in self.param_groups for p in g["params"]]
        for group, batch in self._last_batches(arrays) or self._batches(arrays):
            self.update(group, batch)
            batch.write_back()
        return loss

    def _last_batches(self, arrays):
        """Last step's batches, ready for this step, if only gradient arrays changed since.

        At 1e3 weights the Python around the kernel is half a step (benchmarks.md): when each
        group, parameter and ``p.data`` is the object it was and the same parameters have a
        gradient, only new gradient arrays are checked and viewed (``update`` still reads the
        hyper-parameters and the state buffers afresh).
        """
        last = self._last_step
        if last is None or len(arrays) != len(last[0]):
            return None
        new_grads = False
        for (group, p, data, grad), (group0, p0, data0, grad0) in zip(arrays, last[0]):
            if group is not group0 or p is not p0 or data is not data0:
                return None
            if grad is not grad0:
                if grad is None or grad0 is None:
                    return None
                # data is last step's array, checked then: only the new gradient needs checking
                bad = not isinstance(grad, np.ndarray) or grad.shape != data.shape
                if bad or grad.dtype != data.dtype:
                    self._bad_grad(p)
                new_grads = True
        self._last_step = (arrays, last[1])
        for _, batch in last[1]:
            batch.next_step([arrays[i][3] for i in batch.indices] if new_grads else None)
        return last[1]

    def _check_grad(self, p, data, grad):
        bad = not isinstance(data, np.ndarray) or not isinstance(grad, np.ndarray)
        if bad or grad.shape != data.shape or grad.dtype != data.dtype:
            self._bad_grad(p)

    def _batches(self, arrays):
        """(group, Batch) pairs covering every parameter with a gradient, in order, per dtype.

        Every gradient is checked before any state changes, so a bad one leaves all as it was.
        """
        with_grads = []
        for group in self.param_groups:
            by_dtype = {}
            for index, (group_of_p, p, data, grad) in enumerate(arrays):
                if grad is not None and group_of_p is group:
                    self._check_grad(p, data, grad)
                    by_dtype.setdefault(data.dtype, []).append((p, data, grad, index))
            for dtype, members in by_dtype.items():
                if dtype not in SUPPORTED_DTYPES:
                    self._bad_grad(members[0][0])
                with_grads.append((group, members))
        batches = []
        for group, members in with_grads:
            items = []
            for p, data, grad, index in members:
                state = self.state[p]
                if not state:  # lazily, as PyTorch: the first step makes the state
                    state.update(step=0, **self.init_state(group, data))
                    self._layouts[id(p)] = (data.shape, data.dtype)
                elif self._layouts[id(p)] != (data.shape, data.dtype):
                    self._replaced(p)
                state["step"] += 1
                items.append((data, grad, state, index))
            for start in range(0, len(items), MAX_BATCH):
                batches.append((group, Batch(self._name, items[start : start + MAX_BATCH])))
        self._last_step = (arrays, batches)
        return batches

    def _replaced(self, p):
        shape, dtype = self._layouts[id(p)]
        raise ValueError(
            f"{self._name}: parameter {self._number_of(p)} was replaced by an array of "
            f"{describe(p.data)}; its state was made for shape {shape} and dtype {dtype}"
        )

    def _number_of(self, p):
        everyone = [q for group in self.param_groups for q in group["params"]]
        return next(i for i, q in enumerate(everyone) if q is p)

    def _bad_grad(self, p):
        data, grad, number = p.data, p.grad, self._number_of(p)
        if not isinstance(data, np.ndarray) or data.dtype not in SUPPORTED_DTYPES:
            raise ValueError(
                f"{self._name}: parameter {number} was replaced by an array of "
                f"{describe(np.asarray(data))}; only float32 and float64 arrays can be optimized"
            )
        raise ValueError(
            f"{self._name}: parameter {number} has {describe(data)} but its grad "
            f"has {describe(np.asarray(grad))}"
        )

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

        Everything is checked before anything changes: a state dict that does not fit raises and
        leaves the optimizer as it was. Also accepts the flat form of ``flatten_state_dict`` (what
        ``minigrad.load`` returns for a file written by
        ``minigrad.save(flatten_state_dict(opt.state_dict()), path)``).
        """
        if "param_groups" not in state_dict:
            state_dict = unflatten_state_dict(state_dict)
        saved_groups = state_dict.get("param_groups")
        if not isinstance(saved_groups, list) or len(saved_groups) != len(self.param_groups):
            count = len(saved_groups) if isinstance(saved_groups, list) else "no list of"
            raise ValueError(
                f"{self._name}.load_state_dict: the state dict has {count} param "
                f"group(s), this optimizer has {len(self.param_groups)}"
            )
        new_groups, new_states = [], []
        for index, (group, saved) in enumerate(zip(self.param_groups, saved_groups)):
            if len(saved.get("params", [])) != len(group["params"]):
                raise ValueError(
                    f"{self._name}.load_state_dict: param group {index} has "
                    f"{len(saved.get('params', []))} parameter(s) in the state dict, "
                    f"{len(group['params'])} here"
                )
            merged = {**group, **{k: v for k, v in saved.items() if k != "params"}}
            merged["params"] = group["params"]
            unknown = set(merged) - set(self.defaults) - {"params", "param_names", "initial_lr"}
            if unknown:
                raise ValueError(
                    f"{self._name}.load_state_dict: unknown hyper-parameter(s) {sorted(unknown)}"
                )
            merged["lr"] = as_lr(self._name, merged["lr"]) if "lr" in merged else None
            if merged["lr"] is None:
                del merged["lr"]
            self.check_group(merged)
            new_groups.append(merged)
            for p, number in zip(group["params"], saved["params"]):
                entry = state_dict.get("state", {}).get(number)
                if entry is not None:
                    new_states.append((p, self._loaded_state(merged, p, number, entry)))
        # Nothing has changed so far; from here on nothing can fail.
        self._last_step = None  # its batches view the state buffers replaced below
        for group, merged in zip(self.param_groups, new_groups):
            group.clear()
            group.update(merged)
        for p, state in new_states:
            self.state[p] = state
            self._layouts[id(p)] = (p.data.shape, p.data.dtype)

    def _loaded_state(self, group, p, number, entry):
        """A new state for parameter ``p`` holding ``entry``'s values, after checking them."""
        state = {"step": 0, **self.init_state(group, p.data)}
        for name, value in entry.items():
            if name not in state:
                raise ValueError(
                    f"{self._name}.load_state_dict: unknown state {name!r} for parameter {number}"
                )
            value = np.asarray(value)
            if isinstance(state[name], np.ndarray):
                if value.shape != state[name].shape:
                    raise ValueError(
                        f"{self._name}.load_state_dict: state {name!r} of parameter {number} "
                        f"has shape {value.shape}, expected {state[name].shape}"
                    )
                state[name][...] = value
            elif value.ndim != 0:
                raise ValueError(
                    f"{self._name}.load_state_dict: state {name!r} of parameter {number} must "
                    f"be a number, got an array of shape {value.shape}"
                )
            else:
                state[name] = type(state[name])(value)
        return state


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
