"""The Tensor: a numpy array that remembers how it was made, and the backward pass that walks back.

Every op (see ops.py) returns a Tensor that records `.op` (its name), `.parents` (its input tensors) and
a vector-Jacobian product: a function that turns the gradient of the output into gradients of the
inputs. `backward()` visits the recorded graph from the output back to the leaves, in reverse
topological order, and calls each VJP once. With `create_graph=True` the same VJPs run on Tensors
instead of arrays, so the gradients are recorded too and can be differentiated again.

One difference from PyTorch, on purpose: every tensor that requires grad keeps its `.grad` after
backward, intermediate ones included, so that a picture of the graph can show every gradient.
"""

import contextlib
import heapq
import itertools
from operator import attrgetter

import numpy as np

from .hooks import RemovableHandle

_grad_enabled = True
_anomaly_enabled = False  # set by minigrad.autograd.set_detect_anomaly
# Counts every in-place change the engine can see. An op stamps its output with the count; if the
# count has not moved by backward (the usual case), nothing it saved can have changed, and the
# version check costs one comparison.
_changes = 0


class no_grad(contextlib.ContextDecorator):
    """Context manager and decorator under which ops record no graph (for evaluation and updates)."""

    def __init__(self):
        # A stack, not one saved flag: a decorated function re-enters the same object when it
        # recurses, and each exit must restore what its own enter saw.
        self._previous = []

    def __enter__(self):
        global _grad_enabled
        self._previous.append(_grad_enabled)
        _grad_enabled = False

    def __exit__(self, *exc):
        global _grad_enabled
        _grad_enabled = self._previous.pop()


class set_grad_enabled(contextlib.ContextDecorator):
    """Turn recording on or off: at once when called, and until the block ends as a context manager.

    `mg.set_grad_enabled(False)` alone switches recording off (as in PyTorch);
    `with mg.set_grad_enabled(is_train): ...` restores the previous mode on leaving the block.
    """

    def __init__(self, mode):
        global _grad_enabled
        self._previous = [_grad_enabled]
        self.mode = bool(mode)
        _grad_enabled = self.mode

    def __enter__(self):
        global _grad_enabled
        if len(self._previous) == 0:  # re-entered (as a decorator): save again
            self._previous.append(_grad_enabled)
        _grad_enabled = self.mode

    def __exit__(self, *exc):
        global _grad_enabled
        _grad_enabled = self._previous.pop() if self._previous else True


class enable_grad(no_grad):
    """Record ops again inside a no_grad block (context manager and decorator)."""

    def __enter__(self):
        global _grad_enabled
        self._previous.append(_grad_enabled)
        _grad_enabled = True


class inference_mode(no_grad):
    """PyTorch's faster no_grad; in minigrad the same as no_grad (mode=False records as usual)."""

    def __init__(self, mode=True):
        super().__init__()
        self.mode = bool(mode)

    def __enter__(self):
        global _grad_enabled
        self._previous.append(_grad_enabled)
        _grad_enabled = _grad_enabled and not self.mode


def is_grad_enabled() -> bool:
    """True unless inside `no_grad()`."""
    return _grad_enabled


def is_anomaly_enabled() -> bool:
    """True while anomaly mode is on (minigrad.autograd.detect_anomaly)."""
    return _anomaly_enabled


def _set_anomaly_mode(enabled: bool) -> bool:
    """Turn anomaly mode on or off (see minigrad.autograd.anomaly); returns what it was."""
    global _anomaly_enabled
    previous, _anomaly_enabled = _anomaly_enabled, bool(enabled)
    return previous


@contextlib.contextmanager
def _grad_mode(enabled):
    """Record ops (enabled) or not for the duration: backward records only with create_graph=True."""
    global _grad_enabled
    previous, _grad_enabled = _grad_enabled, enabled
    try:
        yield
    finally:
        _grad_enabled = previous


def _as_array(data, dtype, caller="Tensor"):
    """Turn user data into a numpy array as PyTorch does: Python floats become float32, Python ints
    int64 and bools bool (a list mixing ints and floats is float32); numpy arrays keep their dtype."""
    if isinstance(data, Tensor):
        data = data.data
    try:
        if dtype is not None:
            array = np.asarray(data, dtype=dtype)
        elif isinstance(data, np.ndarray):
            array = data
        else:
            array = np.asarray(data)
    except (ValueError, TypeError) as err:
        raise TypeError(f"{caller}: data is not a rectangular array of numbers ({err})") from None
    # checked for arrays too: an array of strings or objects is not a tensor
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{caller}: data must be numbers, got an array of dtype {array.dtype}")
    from_python = dtype is None and not isinstance(data, (np.ndarray, np.generic))
    if from_python and array.dtype.kind == "f":
        array = array.astype(np.float32)  # PyTorch's default dtype for Python floats
    elif from_python and array.dtype.kind in "iu":
        array = array.astype(np.int64)  # PyTorch's dtype for Python ints
    return array


class Tensor:
    """An n-dimensional array with reverse-mode automatic differentiation.

    `Tensor(data, requires_grad=False, dtype=None)`. Python numbers and lists become float32, numpy
    arrays keep their dtype (and are not copied). Only floating tensors can require grad.
    """

    __slots__ = (
        "_data", "grad", "_requires_grad", "op", "parents", "name",
        "_vjp", "_slots", "_inputs", "_arrays",  # what backward needs: the VJP and what it reads
        "_version", "_changed_at", "_changed_by", "_stamp",  # the version counter (in-place changes)
        "_hooks", "_origin",  # register_hook's functions; where anomaly mode saw it made
        "_seq",  # when it was made: a tensor is always made after its inputs (backpropagate)
    )  # fmt: skip
    __array_ufunc__ = None  # numpy defers to our reflected ops: ndarray + Tensor -> Tensor.__radd__

    def __init__(self, data, requires_grad=False, dtype=None, name=None):
        self._data = _as_array(data, dtype)
        if requires_grad and self._data.dtype.kind != "f":
            raise TypeError(
                f"Tensor: only floating tensors can require grad, got dtype {self._data.dtype}"
            )
        self.grad = None
        self._requires_grad = bool(requires_grad)
        self.op = None
        self.parents = ()
        self.name = name
        self._vjp = None
        self._slots = ()
        self._version = self._changed_at = 0
        self._hooks = None
        self._seq = next(_made)

    # ----- what a tensor is -----
    shape = property(lambda self: self._data.shape, doc="Tuple of dimension sizes.")
    ndim = property(lambda self: self._data.ndim, doc="Number of dimensions.")
    dtype = property(lambda self: self._data.dtype, doc="The numpy dtype of `.data`.")

    def size(self, dim=None):
        """The shape (`t.size()`, as PyTorch), or the length of one dim (`t.size(1)`)."""
        if dim is None:
            return self._data.shape
        try:
            return self._data.shape[dim]
        except (IndexError, TypeError):
            raise IndexError(f"size: dim {dim!r} out of range for shape {self.shape}") from None

    def numel(self) -> int:
        """Number of elements."""
        return self._data.size

    def dim(self) -> int:
        """Number of dimensions (`ndim`)."""
        return self._data.ndim
    is_leaf = property(lambda self: not self.parents, doc="True for tensors not made by an op.")

    def _set_data(self, array):
        # `t.data -= x` changes the array in place, then assigns it back: that is an in-place
        # change. A new array is not: the VJPs keep the arrays the ops saw (see _check_same_data).
        if array is self._data:
            self._bump_version("an in-place operation on .data")
        self._data = array

    # attrgetter reads at C speed: `.data` is read on every op, assigned rarely
    data = property(attrgetter("_data"), _set_data, doc="The numpy array holding the values.")

    def _set_requires_grad(self, flag):
        if flag and self._data.dtype.kind != "f":
            raise TypeError(
                f"Tensor.requires_grad: only floating tensors can require grad, got dtype"
                f" {self._data.dtype}"
            )
        if not flag and self.parents and self._requires_grad:
            raise RuntimeError(
                "Tensor.requires_grad: only a leaf's flag can be changed (this tensor was made by"
                f" {self.op}); use .detach() for a copy without history"
            )
        self._requires_grad = bool(flag)

    requires_grad = property(
        attrgetter("_requires_grad"), _set_requires_grad, doc="Whether gradients flow to it."
    )

    def _bump_version(self, change):
        """Note an in-place change, so that a VJP that saved this tensor refuses to use it."""
        global _changes
        _changes += 1
        self._version += 1
        self._changed_at = _changes
        self._changed_by = change

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self._data)

    def __repr__(self):
        body = np.array2string(self._data, separator=", ", precision=4, prefix="tensor(")
        extras = [f"dtype={self.dtype}"] if self.dtype != np.float32 else []
        if self.op is not None and self._requires_grad:
            extras.append(f"op={self.op}")
        elif self._requires_grad:
            extras.append("requires_grad=True")
        if self.name:
            extras.append(f"name={self.name!r}")
        return "tensor(" + ", ".join([body, *extras]) + ")"

    __hash__ = (
        object.__hash__
    )  # == is elementwise, so hashing is by identity (tensors as dict keys)

    def __array__(self, dtype=None, copy=None):
        array = self._data if dtype is None else self._data.astype(dtype, copy=False)
        # np.array(t) asks for copy=True and trusts us: without a copy it would alias .data
        return array.copy() if copy and array is self._data else array

    def __bool__(self):
        return bool(self._data)

    def item(self):
        """The value of a one-element tensor as a Python number."""
        return self._data.item()

    def numpy(self) -> np.ndarray:
        """The underlying numpy array (shared, not copied)."""
        return self._data

    def detach(self) -> "Tensor":
        """A new leaf tensor sharing this one's data, cut from the graph."""
        return Tensor(self._data)

    # ----- in-place updates: what an optimizer step does, under no_grad -----
    def _update_in_place(self, ufunc, other, symbol):
        if _grad_enabled and self._requires_grad:
            raise RuntimeError(
                f"Tensor {symbol}: a tensor that requires grad can only be changed in place under"
                f" mg.no_grad() (as in a weight update), since the graph would not record it"
            )
        value = other._data if isinstance(other, Tensor) else other
        try:
            ufunc(self._data, value, out=self._data)
        except (ValueError, TypeError) as err:
            kind = TypeError if isinstance(err, TypeError) else ValueError
            raise kind(
                f"Tensor {symbol}: cannot update shape {self.shape} dtype {self.dtype} in place"
                f" with shape {np.shape(value)} dtype {np.result_type(value)}"
            ) from None
        self._bump_version(symbol)
        return self

    def __iadd__(self, other):
        return self._update_in_place(np.add, other, "+=")

    def __isub__(self, other):
        return self._update_in_place(np.subtract, other, "-=")

    def __imul__(self, other):
        return self._update_in_place(np.multiply, other, "*=")

    def __itruediv__(self, other):
        return self._update_in_place(np.divide, other, "/=")

    # ----- hooks -----
    def register_hook(self, hook) -> RemovableHandle:
        """Call `hook(grad)` when this tensor's gradient is computed; a returned value replaces it.

        The gradient is what minigrad stores in `.grad`: a numpy array (a Tensor under
        `create_graph=True`). Returns a handle whose `.remove()` unregisters the hook.
        """
        if not self._requires_grad:
            raise RuntimeError(
                "register_hook: this tensor does not require grad, so no gradient will reach it"
            )
        if not callable(hook):
            raise TypeError(f"register_hook: hook must be callable, got {type(hook).__name__}")
        if self._hooks is None:
            self._hooks = {}
        return RemovableHandle(self._hooks, hook)

    def retain_grad(self):
        """Does nothing: minigrad keeps every tensor's `.grad` (PyTorch keeps only leaves' by default)."""

    def _run_hooks(self, grad):
        for hook in list(self._hooks.values()):
            replaced = hook(grad)
            if replaced is not None:
                if np.shape(replaced) != self.shape:
                    raise ValueError(
                        f"register_hook: hook {getattr(hook, '__name__', hook)!r} returned shape"
                        f" {np.shape(replaced)}, expected the tensor's shape {self.shape}"
                    )
                grad = replaced
        return grad

    # ----- the backward pass -----
    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Accumulate d(self)/d(t) into `t.grad` for every tensor t in the graph that requires grad.

        `gradient`: d(loss)/d(self) for a non-scalar self (ones for a scalar). `create_graph=True`
        records the backward pass itself, so `.grad` becomes a Tensor that can be differentiated
        again. `inputs`: accumulate only into these tensors' `.grad`. `retain_graph` is accepted
        for PyTorch's signature and changes nothing: minigrad never frees a graph after backward
        (its VJPs hold only references to arrays), so backward can always run again.
        """
        seed = _seed("backward", self, gradient, create_graph)
        only = None if inputs is None else set(_as_tensors("backward", "inputs", inputs))
        if create_graph:
            with _grad_mode(True):  # record the VJPs (and the sums into .grad) even under no_grad
                _accumulate_all(backpropagate((self,), (seed,), True), only)
        else:
            _accumulate_all(backpropagate((self,), (seed,)), only)

    def backward_steps(self, grad=None):
        """Run backward one tensor at a time, yielding each right after its VJP has run.

        When a tensor is yielded its own `.grad` is final for this pass (all its consumers came
        before it) and its inputs have received their share. Used to draw backprop step by step.
        """
        seed = _seed("backward", self, grad, False)
        for node, node_grad in backpropagate((self,), (seed,), False):
            node._accumulate(node_grad)
            yield node

    def _accumulate(self, grad):
        if type(grad) is not np.ndarray:
            if isinstance(grad, Tensor):  # create_graph=True: .grad is a Tensor with a graph
                self.grad = grad if self.grad is None else self.grad + grad
                return
            grad = np.asarray(grad)  # numpy turns 0-d results into scalars; keep arrays
        if self.grad is None:
            # backpropagate gives a leaf an array of its own; intermediate gradients are only
            # read, so they may share memory.
            self.grad = grad
        elif isinstance(self.grad, Tensor):
            self.grad = self.grad + grad
        elif self.parents:
            self.grad = np.asarray(self.grad + grad)
        else:
            self.grad += grad  # in place, so a preallocated grad buffer is filled without a copy


def _accumulate_all(steps, only=None):
    """Add each gradient backpropagate yields into its tensor's `.grad` (only into `only`'s)."""
    if only is None:
        for node, grad in steps:
            node._accumulate(grad)
    else:
        for node, grad in steps:
            if node in only:
                node._accumulate(grad)


def _as_tensors(caller, argument, tensors):
    """A tuple of Tensors from one Tensor or a sequence of them."""
    tensors = (tensors,) if isinstance(tensors, Tensor) else tuple(tensors)
    for k, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"{caller}: {argument}[{k}] must be a Tensor, got {type(t).__name__}")
    return tensors


def _seed(caller, output, gradient, create_graph):
    """The gradient backward starts from at `output`: ones for a scalar, else `gradient` checked."""
    if not output._requires_grad:
        raise RuntimeError(f"{caller}: this tensor does not require grad and has no graph")
    if gradient is None:
        if output._data.size != 1:
            raise RuntimeError(
                f"{caller}: grad can only be implied for a scalar output, this tensor has shape"
                f" {output.shape}; pass gradient= an array of that shape"
            )
        seed = np.ones(output._data.shape, output._data.dtype)
    elif create_graph and isinstance(gradient, Tensor):
        seed = gradient  # kept as it is: its own graph is differentiated too (the double-VJP trick)
    else:
        seed = np.asarray(gradient._data if isinstance(gradient, Tensor) else gradient, output.dtype)
    if seed.shape != output.shape:
        raise ValueError(
            f"{caller}: grad has shape {seed.shape}, expected the tensor's shape {output.shape}"
        )
    return Tensor(seed) if create_graph and not isinstance(seed, Tensor) else seed


def backpropagate(roots, seeds, create_graph=False):
    """Yield (tensor, d(roots)/d(tensor)) for each tensor the roots depend on, consumers first.

    The core of backward and of mg.autograd.grad: each tensor is yielded once, after its VJP has
    pushed its share of the gradient to its inputs. Gradients are numpy arrays, or Tensors (and
    the VJPs run on Tensors, so they are recorded) when `create_graph` is true.
    """
    # A tensor is made after its inputs, so every consumer of a tensor was made after it: taking
    # the tensors in reverse order of making (latest first) runs each VJP only once all of its
    # output's gradient has been summed. The heap holds the tensors that have received a gradient,
    # as (-number, id, tensor): copies (copy.deepcopy of a model) share a number, and the id keeps
    # the heap from ever comparing two tensors (a Tensor's `<` is elementwise).
    pending = {}  # gradients of this pass, still being summed
    # Tensors whose pending gradient is an array something else may hold too (the seed, the
    # consumer's own gradient passed through as by add, a view of one). A leaf gets its own copy
    # of such an array, so that `p.grad += ...` and `p.grad *= ...` change only p.grad; a fresh
    # array made by a VJP is handed over as it is (copying the big weight gradients cost more
    # than a sixth of the big MLP's backward: docs/benchmarks.md).
    borrowed = set(roots)
    heap = []
    for root, seed in zip(roots, seeds):
        if root in pending:
            pending[root] = pending[root] + seed
        else:
            pending[root] = seed
            heapq.heappush(heap, (-root._seq, id(root), root))
    while heap:
        node = heapq.heappop(heap)[2]
        grad = pending.pop(node)
        if node._hooks:
            grad = node._run_hooks(grad)
            borrowed.add(node)  # a hook may return an array it keeps
        if node._vjp is not None:
            if node._stamp != _changes:  # something changed in place since this op ran
                _check_unchanged(node)
            if create_graph:
                _check_same_data(node)
                input_grads = node._vjp(grad, node, *node._inputs)
            else:
                input_grads = node._vjp(grad, node._data, *node._arrays)
            if _anomaly_enabled:
                from .autograd.anomaly import check_backward

                check_backward(node, grad, input_grads)
            for slot, parent in zip(node._slots, node.parents):
                g = input_grads[slot]
                if g is None or not parent._requires_grad:
                    continue
                if g.shape != parent._data.shape or g.dtype != parent._data.dtype:
                    g = _fit_to(g, parent)
                if parent in pending:
                    pending[parent] = pending[parent] + g  # a new array
                    borrowed.discard(parent)
                else:
                    pending[parent] = g
                    heapq.heappush(heap, (-parent._seq, id(parent), parent))
                    if g is grad or getattr(g, "base", None) is not None:
                        borrowed.add(parent)
        elif node in borrowed and type(grad) is np.ndarray:
            grad = grad.copy()
        yield node, grad


def _check_same_data(node):
    """Under create_graph the VJP reads the input Tensors, not the saved arrays: they must agree."""
    for k, (x, array) in enumerate(zip(node._inputs, node._arrays)):
        if isinstance(x, Tensor) and x._data is not array:
            raise RuntimeError(
                f"backward: {node.op} cannot compute its gradient with create_graph=True: its input"
                f" {k} (shape {x.shape}) was given a new .data after {node.op} used it"
            )


def _check_unchanged(node):
    """Refuse to run a VJP whose saved input or output was changed in place after the op ran."""
    for k, t in enumerate((node, *node.parents)):
        if t._changed_at > node._stamp:
            which = "its output" if k == 0 else f"its input {node._slots[k - 1]}"
            raise RuntimeError(
                f"backward: {node.op} cannot compute its gradient: {which} (shape {t.shape}, dtype"
                f" {t.dtype}) was changed in place by `{t._changed_by}` after {node.op} used it"
                f" (now at version {t._version}), so the gradient would be wrong. Make the change"
                " after backward, or on a copy (.detach() shares memory; copy the array)"
            )


def _fit_to(grad, tensor):
    """Sum a broadcast gradient back to the tensor's shape and cast it to the tensor's dtype."""
    if grad.shape != tensor._data.shape:
        grad = unbroadcast(grad, tensor._data.shape)
    if grad.dtype != tensor._data.dtype:
        grad = _cast(grad, tensor._data.dtype) if isinstance(grad, Tensor) else grad.astype(tensor._data.dtype)
    return grad


def _cast(x, dtype):
    """x in another dtype, recorded (a gradient under create_graph); its VJP casts back (_fit_to)."""
    return record(x._data.astype(dtype), "cast", (x,), [x._data], lambda g, out, x: (g,))


def unbroadcast(grad, shape: tuple):
    """Sum `grad` over the axes that broadcasting stretched, so that it gets `shape` back.

    Broadcasting copies an operand along new leading axes and along its axes of size 1; the
    gradient of a copy is the sum of the gradients of all its copies. Works on arrays and Tensors.
    """
    leading = grad.ndim - len(shape)
    stretched = tuple(
        i + leading for i, n in enumerate(shape) if n == 1 and grad.shape[i + leading] != 1
    )
    return grad.sum(axis=tuple(range(leading)) + stretched).reshape(shape)


def topological_order(root: Tensor, include_constants: bool = False) -> list:
    """The tensors `root` depends on, each after all of its parents, ending with `root`.

    Iterative depth-first search (no recursion, so a chain of 100,000 ops is fine). By default only
    tensors that require grad are listed: they are the ones backward visits.
    """
    return _topological_order((root,), include_constants)


_made = itertools.count()  # numbers the tensors in the order they are made


def _topological_order(roots, include_constants=False):
    order, visited = [], set()
    for root in roots:
        if root in visited:  # already listed as an ancestor of an earlier root
            continue
        visited.add(root)
        stack = [(root, iter(root.parents))]
        while stack:
            node, parents = stack[-1]
            for parent in parents:
                if parent not in visited and (include_constants or parent._requires_grad):
                    visited.add(parent)
                    stack.append((parent, iter(parent.parents)))
                    break
            else:  # every parent is listed: now the node can be
                stack.pop()
                order.append(node)
    return order


def record(data, op: str, inputs: tuple, arrays, vjp) -> Tensor:
    """Wrap an op's output array in a Tensor that remembers the op, its inputs and its VJP.

    `inputs` are what the op was called with (Tensors and constants), `arrays` the same with each
    Tensor replaced by its array: backward hands the VJP the arrays, or under create_graph the
    inputs themselves, so that the VJP's arithmetic is recorded.
    """
    out = Tensor.__new__(Tensor)
    out._data = data if type(data) is np.ndarray else np.asarray(data)
    out.grad = None
    out.name = None
    out._version = out._changed_at = 0
    out._hooks = None
    out._seq = next(_made)
    if _anomaly_enabled:
        from .autograd.anomaly import check_forward

        check_forward(out, op, inputs)
    if not _grad_enabled:
        out._requires_grad, out.op, out.parents, out._vjp, out._slots = False, None, (), None, ()
        return out
    parents = tuple([x for x in inputs if isinstance(x, Tensor)])
    if len(parents) == len(inputs):
        out._slots = range(len(inputs))
    else:  # constants (Python numbers, arrays) among the inputs are not parents
        out._slots = tuple([i for i, x in enumerate(inputs) if isinstance(x, Tensor)])
    out.parents = parents
    out.op = op
    out._requires_grad = any([p._requires_grad for p in parents])
    if out._requires_grad:
        out._vjp, out._inputs, out._arrays, out._stamp = vjp, inputs, arrays, _changes
    else:
        out._vjp = None
    return out


def tensor(data, requires_grad=False, dtype=None) -> Tensor:
    """Make a Tensor (the same as `Tensor(...)`, PyTorch's spelling)."""
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)
