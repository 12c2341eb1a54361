"""The Tensor: a numpy array that remembers how it was made, and the backward pass that walks back.

Every op (see ops.py) returns a Tensor that records `.op` (its name), `.parents` (its input tensors) and
a vector-Jacobian product: a function that turns the gradient of the output into gradients of the
inputs. `backward()` visits the recorded graph from the output back to the leaves, in reverse
topological order, and calls each VJP once.

One difference from PyTorch, on purpose: every tensor that requires grad keeps its `.grad` after
backward, intermediate ones included, so that a picture of the graph can show every gradient.
"""

import contextlib

import numpy as np

_grad_enabled = True


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


def is_grad_enabled() -> bool:
    """True unless inside `no_grad()`."""
    return _grad_enabled


def _as_array(data, dtype, caller="Tensor"):
    """Turn user data into a numpy array: Python numbers and lists become float32, arrays keep dtype."""
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
    if from_python and array.dtype.kind in "iuf":
        array = array.astype(np.float32)  # PyTorch's default dtype for Python numbers and lists
    return array


class Tensor:
    """An n-dimensional array with reverse-mode automatic differentiation.

    `Tensor(data, requires_grad=False, dtype=None)`. Python numbers and lists become float32, numpy
    arrays keep their dtype (and are not copied). Only floating tensors can require grad.
    """

    __slots__ = ("data", "grad", "requires_grad", "op", "parents", "name", "_vjp", "_slots")
    __array_ufunc__ = None  # numpy defers to our reflected ops: ndarray + Tensor -> Tensor.__radd__

    def __init__(self, data, requires_grad=False, dtype=None, name=None):
        self.data = _as_array(data, dtype)
        if requires_grad and self.data.dtype.kind != "f":
            raise TypeError(
                f"Tensor: only floating tensors can require grad, got dtype {self.data.dtype}"
            )
        self.grad = None
        self.requires_grad = bool(requires_grad)
        self.op = None
        self.parents = ()
        self.name = name
        self._vjp = None
        self._slots = ()

    # ----- what a tensor is -----
    shape = property(lambda self: self.data.shape, doc="Tuple of dimension sizes.")
    ndim = property(lambda self: self.data.ndim, doc="Number of dimensions.")
    dtype = property(lambda self: self.data.dtype, doc="The numpy dtype of `.data`.")
    size = property(lambda self: self.data.size, doc="Number of elements.")
    is_leaf = property(lambda self: not self.parents, doc="True for tensors not made by an op.")

    def __len__(self):
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self.data)

    def __repr__(self):
        body = np.array2string(self.data, separator=", ", precision=4, prefix="tensor(")
        extras = [f"dtype={self.dtype}"] if self.dtype != np.float32 else []
        if self.op is not None and self.requires_grad:
            extras.append(f"op={self.op}")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        if self.name:
            extras.append(f"name={self.name!r}")
        return "tensor(" + ", ".join([body, *extras]) + ")"

    __hash__ = (
        object.__hash__
    )  # == is elementwise, so hashing is by identity (tensors as dict keys)

    def __array__(self, dtype=None, copy=None):
        array = self.data if dtype is None else self.data.astype(dtype, copy=False)
        # np.array(t) asks for copy=True and trusts us: without a copy it would alias .data
        return array.copy() if copy and array is self.data else array

    def __bool__(self):
        return bool(self.data)

    def item(self):
        """The value of a one-element tensor as a Python number."""
        return self.data.item()

    def numpy(self) -> np.ndarray:
        """The underlying numpy array (shared, not copied)."""
        return self.data

    def detach(self) -> "Tensor":
        """A new leaf tensor sharing this one's data, cut from the graph."""
        return Tensor(self.data)

    # ----- in-place updates: what an optimizer step does, under no_grad -----
    def _update_in_place(self, ufunc, other, symbol):
        if _grad_enabled and self.requires_grad:
            raise RuntimeError(
                f"Tensor {symbol}: a tensor that requires grad can only be changed in place under"
                f" mg.no_grad() (as in a weight update), since the graph would not record it"
            )
        value = other.data if isinstance(other, Tensor) else other
        try:
            ufunc(self.data, value, out=self.data)
        except (ValueError, TypeError) as err:
            kind = TypeError if isinstance(err, TypeError) else ValueError
            raise kind(
                f"Tensor {symbol}: cannot update shape {self.shape} dtype {self.dtype} in place"
                f" with shape {np.shape(value)} dtype {np.result_type(value)}"
            ) from None
        return self

    def __iadd__(self, other):
        return self._update_in_place(np.add, other, "+=")

    def __isub__(self, other):
        return self._update_in_place(np.subtract, other, "-=")

    def __imul__(self, other):
        return self._update_in_place(np.multiply, other, "*=")

    def __itruediv__(self, other):
        return self._update_in_place(np.divide, other, "/=")

    # ----- the backward pass -----
    def backward(self, grad=None):
        """Accumulate d(self)/d(t) into `t.grad` for every tensor t in the graph that requires grad."""
        for _ in self.backward_steps(grad):
            pass

    def backward_steps(self, grad=None):
        """Run backward one tensor at a time, yielding each right after its VJP has run.

        When a tensor is yielded its own `.grad` is final for this pass (all its consumers came
        before it) and its inputs have received their share. Used to draw backprop step by step.
        """
        if not self.requires_grad:
            raise RuntimeError("backward: this tensor does not require grad and has no graph")
        if grad is None:
            if self.data.size != 1:
                raise RuntimeError(
                    f"backward: grad can only be implied for a scalar output, this tensor has shape"
                    f" {self.shape}; pass grad= an array of that shape"
                )
            grad = np.ones(self.data.shape, self.data.dtype)
        else:
            grad = np.asarray(grad.data if isinstance(grad, Tensor) else grad, dtype=self.dtype)
            if grad.shape != self.shape:
                raise ValueError(
                    f"backward: grad has shape {grad.shape}, expected the tensor's shape {self.shape}"
                )
        pending = {self: grad}  # gradients of this pass, still being summed
        for node in reversed(topological_order(self)):
            node_grad = pending.pop(node, None)
            if node_grad is None:  # its only consumers gave it no gradient (where's condition)
                continue
            node._accumulate(node_grad)
            if node._vjp is not None:
                input_grads = node._vjp(node_grad)
                for slot, parent in zip(node._slots, node.parents):
                    g = input_grads[slot]
                    if g is None or not parent.requires_grad:
                        continue
                    if g.shape != parent.data.shape or g.dtype != parent.data.dtype:
                        g = _fit_to(g, parent)
                    pending[parent] = pending[parent] + g if parent in pending else g
            yield node

    def _accumulate(self, grad):
        if type(grad) is not np.ndarray:  # numpy turns 0-d results into scalars; keep arrays
            grad = np.asarray(grad)
        if self.grad is None:
            # A leaf gets its own copy (the same array may flow to several inputs); intermediate
            # gradients are only read, so they may share memory.
            self.grad = grad if self.parents else grad.copy()
        elif self.parents:
            self.grad = np.asarray(self.grad + grad)
        else:
            self.grad += grad  # in place, so a preallocated grad buffer is filled without a copy


def _fit_to(grad, tensor):
    """Sum a broadcast gradient back to the tensor's shape and cast it to the tensor's dtype."""
    if grad.shape != tensor.data.shape:
        grad = unbroadcast(grad, tensor.data.shape)
    if grad.dtype != tensor.data.dtype:
        grad = grad.astype(tensor.data.dtype)
    return grad


def unbroadcast(grad: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum `grad` over the axes that broadcasting stretched, so that it gets `shape` back.

    Broadcasting copies an operand along new leading axes and along its axes of size 1; the
    gradient of a copy is the sum of the gradients of all its copies.
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
    order, visited = [], {root}
    stack = [(root, iter(root.parents))]
    while stack:
        node, parents = stack[-1]
        for parent in parents:
            if parent not in visited and (include_constants or parent.requires_grad):
                visited.add(parent)
                stack.append((parent, iter(parent.parents)))
                break
        else:  # every parent is listed: now the node can be
            stack.pop()
            order.append(node)
    return order


def record(data, op: str, inputs: tuple, vjp) -> Tensor:
    """Wrap an op's output array in a Tensor that remembers the op, its input tensors and its VJP."""
    out = Tensor.__new__(Tensor)
    out.data = data if type(data) is np.ndarray else np.asarray(data)
    out.grad = None
    out.name = None
    if not _grad_enabled:
        out.requires_grad, out.op, out.parents, out._vjp, out._slots = False, None, (), None, ()
        return out
    parents = tuple([x for x in inputs if isinstance(x, Tensor)])
    if len(parents) == len(inputs):
        out._slots = range(len(inputs))
    else:  # constants (Python numbers, arrays) among the inputs are not parents
        out._slots = tuple([i for i, x in enumerate(inputs) if isinstance(x, Tensor)])
    out.parents = parents
    out.op = op
    out.requires_grad = any([p.requires_grad for p in parents])
    out._vjp = vjp if out.requires_grad else None
    return out


def tensor(data, requires_grad=False, dtype=None) -> Tensor:
    """Make a Tensor (the same as `Tensor(...)`, PyTorch's spelling)."""
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)
