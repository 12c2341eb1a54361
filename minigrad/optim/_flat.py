"""Flat buffers: the parameters of one param group packed end to end, so one kernel call updates all.

Why: a small model has many small tensors (10 tensors of 100 weights), and a compiled kernel call
costs about a microsecond of Python dispatch whatever its size. One call per tensor would spend the
step in Python; one call over a flat buffer spends it in the loop ("multi-tensor apply").

How: at the first step each parameter's values are copied into one contiguous buffer per group and
dtype, and ``p.data`` is re-pointed at its slice of it (a view with the parameter's shape). The
engine reads ``p.data`` at every forward pass and ``load_state_dict`` writes into it in place, so
nothing else notices. Optimizer state (``exp_avg`` ...) lives in flat buffers of the same layout;
``optimizer.state[p]`` holds views of them, as ``torch.optim`` holds tensors.

Gradients: the fast path needs every ``p.grad`` to be a view of the flat gradient buffer. A
gradient that arrives as another array (``backward()`` after ``zero_grad()`` makes fresh ones) is
copied in and ``p.grad`` re-pointed at its view, so a later backward without ``zero_grad``
accumulates straight into the buffer. For a small chunk the copy is cheap. For a large one it
costs memory bandwidth (8 bytes per float32 weight next to Adam's 28), so fresh arrays are used
where they are, one kernel call per tensor; only an array seen at two steps running (kept by the
caller, so it will come again) is copied in, once, to take the fast path from then on.
"""

import weakref

import numpy as np

# Up to this many weights a chunk always copies fresh gradients into its flat buffer. Measured
# with fresh float32 gradients for 10 tensors: at 1e6 weights copying and one (parallel) call
# took 1.6 ms, ten per-tensor calls 3.2 ms; at 1e7 copying took 11 ms, per-tensor calls 7 ms.
GATHER_LIMIT = 1 << 21

SUPPORTED_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def describe(array):
    """``shape (3, 4) and dtype float32``: for error messages."""
    return f"shape {tuple(array.shape)} and dtype {array.dtype}"


class FlatChunk:
    """The parameters of one param group that share a dtype, with their state, in flat buffers.

    ``data``, ``grad`` and each of ``buffers`` are 1-D arrays of ``size`` elements; parameter ``i``
    owns ``[offsets[i]:offsets[i + 1]]`` of each. ``scalars`` holds per-parameter numbers (``step``
    and, e.g., NAdam's ``mu_product``) as arrays of one entry per parameter.
    """

    def __init__(self, owner, params, indices, buffer_init, scalar_init):
        self.owner = owner  # the optimizer's name, for error messages
        self.params = params
        self.indices = indices  # global parameter numbers, as in state_dict()
        self.dtype = params[0].data.dtype
        sizes = [p.data.size for p in params]
        self.offsets = np.concatenate(([0], np.cumsum(sizes))).tolist()
        self.size = self.offsets[-1]
        self.shapes = [p.data.shape for p in params]
        self.gathers_grads = self.size <= GATHER_LIMIT

        self.data = np.empty(self.size, self.dtype)
        self.data_views = [self._view(self.data, i) for i in range(len(params))]
        for p, view in zip(params, self.data_views):
            view[...] = p.data
            p.data = view
        self.grad = np.zeros(self.size, self.dtype)
        self.grad_views = [self._view(self.grad, i) for i in range(len(params))]

        self.buffers = {}  # an init that returns None means "this group's options don't need it"
        for name, init in buffer_init.items():
            values = init(self.data)
            if values is not None:
                self.buffers[name] = values
        n = len(params)
        self.scalars = {"step": np.zeros(n, np.int64)}
        self.scalars.update(
            {name: np.full(n, value, np.float64) for name, value in scalar_init.items()}
        )
        self.in_sync = True  # every parameter has taken the same number of steps

        # For the per-tensor path: each parameter's 1-D part of every buffer, made once.
        self.slices = [self._slices(i) for i in range(n)]
        self.grads = [None] * n  # this step's gradients as 1-D arrays, filled by collect_grads
        self.foreign_grads = [None] * n  # weak references to arrays used in place last step

    def _view(self, flat, i):
        return flat[self.offsets[i] : self.offsets[i + 1]].reshape(self.shapes[i])

    def _slices(self, i):
        a, b = self.offsets[i], self.offsets[i + 1]
        buffers = {name: flat[a:b] for name, flat in self.buffers.items()}
        scalars = {name: values[i : i + 1] for name, values in self.scalars.items()}
        return self.data[a:b], self.grad[a:b], buffers, scalars

    def state_of(self, i):
        """Parameter ``i``'s state: views into the flat buffers (0-d views for scalars)."""
        state = {name: values[i, ...] for name, values in self.scalars.items()}
        state.update({name: self._view(flat, i) for name, flat in self.buffers.items()})
        return state

    def ready_in_buffer(self):
        """True when every ``p.data`` and ``p.grad`` is still our view: the fast path, no copying."""
        for p, data, grad in zip(self.params, self.data_views, self.grad_views):
            if p.data is not data or p.grad is not grad:
                return False
        return True

    def collect_grads(self):
        """Make every ``p.data`` a view again and fill ``self.grads`` (1-D arrays, None if absent).

        Returns True when the flat buffer ``self.grad`` now holds every parameter's gradient.
        """
        all_in_buffer = True
        for i, p in enumerate(self.params):
            if p.data is not self.data_views[i]:
                self._readopt_data(i)
            grad = p.grad
            in_buffer = self.slices[i][1]
            if grad is self.grad_views[i]:
                self.grads[i] = in_buffer
            elif grad is None:
                self.grads[i] = None
                all_in_buffer = False
            else:
                self._check_grad(i, grad)
                seen = self.foreign_grads[i]
                if self.gathers_grads or (seen is not None and seen() is grad):
                    self.grad_views[i][...] = grad
                    p.grad = self.grad_views[i]
                    self.grads[i] = in_buffer
                    self.foreign_grads[i] = None
                else:
                    self.grads[i] = grad.reshape(-1)  # a view if contiguous, else a copy
                    self.foreign_grads[i] = weakref.ref(grad)
                    all_in_buffer = False
        return all_in_buffer

    def _readopt_data(self, i):
        """``p.data`` was replaced by a new array: copy its values in and point it back at us."""
        p, view = self.params[i], self.data_views[i]
        new = p.data
        if not isinstance(new, np.ndarray) or new.shape != view.shape or new.dtype != view.dtype:
            raise ValueError(
                f"{self.owner}: parameter {self.indices[i]} was replaced by an array of "
                f"{describe(np.asarray(p.data))}; the optimizer holds it with {describe(view)}"
            )
        view[...] = p.data
        p.data = view

    def _check_grad(self, i, grad):
        view = self.data_views[i]
        if not isinstance(grad, np.ndarray) or grad.shape != view.shape or grad.dtype != view.dtype:
            raise ValueError(
                f"{self.owner}: parameter {self.indices[i]} has {describe(view)} but its grad "
                f"has {describe(np.asarray(grad))}"
            )

    def resync(self):
        """Recompute ``in_sync`` after some parameters were skipped (their grad was None)."""
        steps = self.scalars["step"]
        self.in_sync = bool(steps.min() == steps.max())
