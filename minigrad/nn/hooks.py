"""Module hooks: the handle that removes one, and the graph nodes that call full backward hooks.

A forward (pre-)hook is just a function `Module.__call__` calls. A backward hook has to run in the
middle of `backward()`, once the gradients of the module's outputs (grad_output) and of its inputs
(grad_input) are known, and before grad_input flows on. `attach_backward_hooks` arranges that by
recording three kinds of identity nodes around one call of the module:

    inputs ──► input gates ──► forward ──► outputs ──► output gates ──► (the rest of the model)
        └──────── gate ───────┘                              │
                   └─────────────────────────────────────────┘

Every input and output gate is a consumer of one shared `gate` node, so backward (reverse
topological order) reaches the gate only after all of them: by then each input gate has parked its
gradient in `grad_input` instead of passing it on, each output gate has noted `grad_output`, and
the gate's own VJP calls the hooks and hands the (possibly replaced) grad_input to the inputs.
"""

import numpy as np

from ..hooks import RemovableHandle
from ..tensor import Tensor, record


def add_hook(hooks_dict, entry, prepend, caller):
    """Store `entry` (a hook, or a (hook, flag) pair) in `hooks_dict`, first if `prepend`."""
    hook = entry[0] if isinstance(entry, tuple) else entry
    if not callable(hook):
        raise TypeError(f"{caller}: hook must be callable, got {type(hook).__name__}")
    handle = RemovableHandle(hooks_dict, entry)  # added last
    if prepend:  # move every other hook after it
        for key in list(hooks_dict)[:-1]:
            hooks_dict[key] = hooks_dict.pop(key)
    return handle


def _arrays(tensors):
    return [t.data for t in tensors]


def _arrived():
    # The gradient an input or output gate sends to the shared gate: only its arrival matters.
    return np.zeros((), np.float32)


class BackwardHookCall:
    """The gates of one call of a module with full backward hooks (see the module docstring).

    `gate_inputs(args)` runs before forward, `gate_outputs(output)` after it. The hooks are called
    as hook(module, grad_input, grad_output): one grad_input entry per positional argument (None
    where it is not a tensor that requires grad), one grad_output entry per output tensor. A hook
    may return a new grad_input tuple, which is what the inputs then receive.
    """

    def __init__(self, module, hooks):
        self.module, self.hooks = module, hooks

    def gate_inputs(self, args):
        """Record the shared gate and one input gate per argument that requires grad."""
        self.args = args
        self.wanted = [i for i, a in enumerate(args) if isinstance(a, Tensor) and a.requires_grad]
        self.grad_input = [None] * len(args)
        # With no input that requires grad, a throwaway leaf keeps the gate in the graph (as in
        # PyTorch, the hooks still run then, with grad_input all None).
        parents = tuple(args[i] for i in self.wanted) or (Tensor(np.zeros(()), requires_grad=True),)
        self.gate = record(
            np.zeros((), np.float32), "backward_hook", parents, _arrays(parents), self._call_hooks
        )
        gated = list(args)
        for i in self.wanted:
            inputs = (args[i], self.gate)
            gated[i] = record(
                args[i].data, "backward_hook_input", inputs, _arrays(inputs), self._park(i)
            )
        return tuple(gated)

    def gate_outputs(self, output):
        """Record one output gate per output tensor that requires grad; return the gated output."""
        single = isinstance(output, Tensor)
        outputs = (output,) if single else tuple(output)
        if not all(isinstance(o, Tensor) for o in outputs):
            raise TypeError(
                f"{type(self.module).__name__}: full backward hooks need forward() to return a"
                f" Tensor or a tuple of Tensors, got {type(output).__name__}"
            )
        self.grad_output = [None] * len(outputs)
        gated = tuple(
            record(
                o.data,
                "backward_hook_output",
                (o, self.gate),
                _arrays((o, self.gate)),
                self._note(j),
            )
            if o.requires_grad
            else o
            for j, o in enumerate(outputs)
        )
        return gated[0] if single else type(output)(gated)

    def _park(self, i):
        def vjp(g, *_):  # keep input i's gradient until the hooks have seen all of them
            self.grad_input[i] = g
            return (None, _arrived())

        return vjp

    def _note(self, j):
        def vjp(g, *_):
            self.grad_output[j] = g
            return (g, _arrived())

        return vjp

    def _call_hooks(self, *_):
        grad_input = tuple(self.grad_input)
        for hook in list(self.hooks):
            replaced = hook(self.module, grad_input, tuple(self.grad_output))
            if replaced is not None:
                grad_input = _check_grad_input(self.module, replaced, self.args)
        return tuple(grad_input[i] for i in self.wanted) or (None,)


def _check_grad_input(module, replaced, args):
    """A hook's replacement grad_input must be a tuple with one entry per positional argument."""
    if not isinstance(replaced, (tuple, list)) or len(replaced) != len(args):
        got = f"length {len(replaced)}" if isinstance(replaced, (tuple, list)) else "a"
        raise ValueError(
            f"{type(module).__name__}: a full backward hook must return None or a tuple of"
            f" {len(args)} gradient(s), one per positional input; got {got}"
            f" {type(replaced).__name__}"
        )
    return tuple(replaced)
