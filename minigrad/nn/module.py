"""Module and Parameter: the containers that let a model find, save and load its own weights."""

from collections import namedtuple

import numpy as np

from ..tensor import Tensor, is_grad_enabled
from .hooks import BackwardHookCall, add_hook

IncompatibleKeys = namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])


def _as_buffer(caller, name, value):
    """A buffer is a Tensor that records no gradient (None leaves the slot empty, as in PyTorch)."""
    if value is None:
        return None
    if isinstance(value, Parameter):
        raise TypeError(f"{caller}: buffer {name!r} cannot be a Parameter (register it as one)")
    return value.detach() if isinstance(value, Tensor) else Tensor(np.asarray(value))


def _check_name(module, caller, argument, name, registry):
    """Refuse a name that state_dict() could not spell or that would hide an attribute (PyTorch's
    add_module rules): not a str, empty, containing '.', or already an attribute of the module
    that is not an entry of `registry` (replacing an entry by name is allowed)."""
    if not isinstance(name, str):
        raise TypeError(f"{caller}: {argument} must be a str, got {type(name).__name__} {name!r}")
    if not name:
        raise KeyError(f"{caller}: {argument} can't be an empty string")
    if "." in name:
        raise KeyError(
            f"{caller}: {argument} {name!r} can't contain '.' (state_dict() joins names with '.')"
        )
    for other, role in ((module._parameters, "a parameter"), (module._modules, "a child module"),
                        (module._buffers, "a buffer")):  # fmt: skip
        if name in other and other is not registry:
            raise KeyError(f"{caller}: {argument} {name!r} is already {role}")
    if name not in registry and hasattr(module, name):
        raise KeyError(
            f"{caller}: {argument} {name!r}: attribute {name!r} already exists on"
            f" {type(module).__name__} (the entry would hide it); choose another name"
        )


class Parameter(Tensor):
    """A Tensor that is a model's weight: it requires grad, and a Module that holds it registers it."""

    __slots__ = ()

    def __init__(self, data, requires_grad=True):
        super().__init__(data, requires_grad=requires_grad)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()


class Module:
    """Base class of every layer and model, with PyTorch's behaviour.

    Assigning a Parameter or a Module to an attribute registers it, so `parameters()`,
    `state_dict()` and `zero_grad()` find it. Subclasses define `forward`; call the module itself.
    """

    def __init__(self):
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "training", True)
        for hooks in ("_forward_pre_hooks", "_forward_hooks", "_backward_hooks"):
            object.__setattr__(self, hooks, {})  # handle id -> hook, in calling order

    def __setattr__(self, name, value):
        if "_parameters" not in self.__dict__:
            raise AttributeError(
                f"{type(self).__name__}: call super().__init__() before assigning attributes"
            )
        # As in PyTorch: `self.weight = self.weight * 2` would silently unregister the weight.
        for registry, kind, role in (
            (self._parameters, Parameter, "parameter"),
            (self._modules, Module, "child module"),
        ):
            if name in registry and value is not None and not isinstance(value, (Parameter, kind)):
                raise TypeError(
                    f"{type(self).__name__}: cannot assign {type(value).__name__!r} as {role}"
                    f" {name!r} ({kind.__name__} or None expected; to change a parameter's"
                    " values, write to its .data)"
                )
        if isinstance(value, (Parameter, Module)) and hasattr(type(self), name):
            # `self.parameters = nn.Linear(...)` would hide the method parameters() itself
            _check_name(self, type(self).__name__, "attribute", name, {})
        if name in self._buffers:  # `self.running_mean = new` keeps it a buffer, as in PyTorch
            self._buffers[name] = _as_buffer(type(self).__name__, name, value)
            object.__setattr__(self, name, self._buffers[name])
            return
        self._parameters.pop(name, None)
        self._modules.pop(name, None)
        if isinstance(value, Parameter):
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._modules[name] = value
        object.__setattr__(self, name, value)

    def register_buffer(self, name, tensor):
        """Register a tensor that is state but not a parameter (BatchNorm's running mean).

        Buffers get no gradient and are not handed to optimizers, but `state_dict()` saves them
        and `load_state_dict()` restores them.
        """
        _check_name(self, "register_buffer", "name", name, self._buffers)
        self._buffers[name] = _as_buffer("register_buffer", name, tensor)
        object.__setattr__(self, name, self._buffers[name])

    def add_module(self, name, module):
        """Register a child module under `name` (as `self.name = module` does, for names made at run
        time); a name that is empty, contains '.' or is already an attribute is refused."""
        _check_name(self, "add_module", "name", name, self._modules)
        if module is not None and not isinstance(module, Module):
            raise TypeError(
                f"add_module: module must be a Module or None, got {type(module).__name__}"
            )
        self._parameters.pop(name, None)
        self._modules[name] = module
        object.__setattr__(self, name, module)

    register_module = add_module  # PyTorch's alias

    def register_parameter(self, name, param):
        """Register a Parameter under `name` (or None, an empty slot); names as for add_module."""
        _check_name(self, "register_parameter", "name", name, self._parameters)
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"register_parameter: param must be a Parameter or None, got {type(param).__name__}"
            )
        self._parameters[name] = param
        object.__setattr__(self, name, param)

    def forward(self, *args, **kwargs):
        """The computation; subclasses define it."""
        raise NotImplementedError(f"{type(self).__name__} does not define forward()")

    def __call__(self, *args, **kwargs):
        """Run forward, with the hooks around it: pre-hooks, forward, forward hooks, backward hooks."""
        if not (self._forward_pre_hooks or self._forward_hooks or self._backward_hooks):
            return self.forward(*args, **kwargs)  # the common case stays one call
        for hook, with_kwargs in list(self._forward_pre_hooks.values()):
            result = hook(self, args, kwargs) if with_kwargs else hook(self, args)
            if result is not None and with_kwargs:
                args, kwargs = result
            elif result is not None:
                args = result if isinstance(result, tuple) else (result,)
        backward_call = None
        if self._backward_hooks and is_grad_enabled():
            backward_call = BackwardHookCall(self, list(self._backward_hooks.values()))
            args = backward_call.gate_inputs(args)
        output = self.forward(*args, **kwargs)
        for hook, with_kwargs in list(self._forward_hooks.values()):
            result = hook(self, args, kwargs, output) if with_kwargs else hook(self, args, output)
            if result is not None:
                output = result
        return backward_call.gate_outputs(output) if backward_call else output

    # ----- hooks (PyTorch's signatures; each returns a handle whose .remove() unregisters it) -----
    def register_forward_pre_hook(self, hook, *, prepend=False, with_kwargs=False):
        """Call hook(module, args) before forward; a non-None result replaces args.

        With with_kwargs: hook(module, args, kwargs), returning None or a new (args, kwargs).
        """
        return add_hook(
            self._forward_pre_hooks,
            (hook, with_kwargs),
            prepend,
            f"{type(self).__name__}.register_forward_pre_hook",
        )

    def register_forward_hook(self, hook, *, prepend=False, with_kwargs=False):
        """Call hook(module, args, output) after forward; a non-None result replaces the output.

        With with_kwargs: hook(module, args, kwargs, output).
        """
        return add_hook(
            self._forward_hooks,
            (hook, with_kwargs),
            prepend,
            f"{type(self).__name__}.register_forward_hook",
        )

    def register_full_backward_hook(self, hook, prepend=False):
        """Call hook(module, grad_input, grad_output) during backward; a tuple it returns replaces grad_input.

        grad_input has one entry per positional input (None where it needs no grad), grad_output
        one per output tensor. See nn/hooks.py for how backward is made to stop there.
        """
        return add_hook(
            self._backward_hooks,
            hook,
            prepend,
            f"{type(self).__name__}.register_full_backward_hook",
        )

    # ----- walking the tree -----
    def named_children(self):
        """(name, module) for each direct sub-module."""
        return iter(self._modules.items())

    def children(self):
        """Each direct sub-module."""
        return iter(self._modules.values())

    def named_modules(self, prefix=""):
        """(dotted name, module) for this module and every module below it."""
        yield prefix, self
        for name, child in self._modules.items():
            yield from child.named_modules(f"{prefix}.{name}" if prefix else name)

    def modules(self):
        """This module and every module below it."""
        return (module for _, module in self.named_modules())

    def named_parameters(self):
        """(dotted name, parameter) for every parameter, each shared parameter once: `0.weight`, ..."""
        seen = set()
        for prefix, module in self.named_modules():
            for name, param in module._parameters.items():
                if param is not None and param not in seen:
                    seen.add(param)
                    yield (f"{prefix}.{name}" if prefix else name), param

    def parameters(self):
        """Every parameter (what you hand to an optimizer)."""
        return (param for _, param in self.named_parameters())

    def named_buffers(self):
        """(dotted name, buffer) for every buffer: `0.running_mean`, ..."""
        for prefix, module in self.named_modules():
            for name, buffer in module._buffers.items():
                if buffer is not None:
                    yield (f"{prefix}.{name}" if prefix else name), buffer

    def buffers(self):
        """Every buffer (state that is not a parameter, such as running statistics)."""
        return (buffer for _, buffer in self.named_buffers())

    def apply(self, fn):
        """Call fn(module) on every sub-module and then on this one (as PyTorch, for custom init)."""
        for child in self._modules.values():
            child.apply(fn)
        fn(self)
        return self

    def requires_grad_(self, requires_grad=True):
        """Switch gradient tracking of every parameter on or off (to freeze layers)."""
        for param in self.parameters():
            param.requires_grad = bool(requires_grad)
        return self

    # ----- training helpers -----
    def zero_grad(self, set_to_none=True):
        """Forget the gradients of every parameter (set them to None, or to zeros)."""
        for param in self.parameters():
            if set_to_none or param.grad is None:
                param.grad = None
            else:
                param.grad[...] = 0

    def to(self, dtype=None):
        """Cast every floating parameter and buffer to dtype (`model.to(mg.float64)`); "cpu" is a no-op.

        minigrad runs on the CPU only, so a device ("cpu") changes nothing; the arrays are replaced
        by cast copies, so build the optimizer after casting, as PyTorch advises.
        """
        if dtype is None or (isinstance(dtype, str) and dtype == "cpu"):
            return self
        if isinstance(dtype, str):
            raise ValueError(
                f"{type(self).__name__}.to: minigrad has only the 'cpu' device, got {dtype!r}"
            )
        dtype = np.dtype(dtype)
        if dtype.kind != "f":
            raise TypeError(f"{type(self).__name__}.to: dtype must be floating, got {dtype}")
        for _, value in self._named_state():
            if value.data.dtype.kind == "f":
                value.data = value.data.astype(dtype)
                if value.grad is not None:
                    value.grad = value.grad.astype(dtype)
        return self

    def double(self):
        """Cast floating parameters and buffers to float64."""
        return self.to(np.float64)

    def float(self):
        """Cast floating parameters and buffers to float32."""
        return self.to(np.float32)

    def cpu(self):
        """The module itself (minigrad has only the CPU)."""
        return self

    def train(self, mode=True):
        """Set training mode on this module and all below it (layers like dropout would read it)."""
        for module in self.modules():
            object.__setattr__(module, "training", bool(mode))
        return self

    def eval(self):
        """Set evaluation mode (`train(False)`)."""
        return self.train(False)

    # ----- saving and loading -----
    def _named_state(self):
        """(dotted name, tensor) for each parameter and buffer, in PyTorch's state-dict order."""
        seen = set()
        for prefix, module in self.named_modules():
            for registry in (module._parameters, module._buffers):
                for name, value in registry.items():
                    if value is not None and value not in seen:
                        seen.add(value)
                        yield (f"{prefix}.{name}" if prefix else name), value

    def state_dict(self) -> dict:
        """A dict of dotted name -> numpy array copy of each parameter and buffer (PyTorch's keys)."""
        return {name: value.data.copy() for name, value in self._named_state()}

    def load_state_dict(self, state_dict, strict=True):
        """Copy arrays into the parameters, in place. With strict, keys must match exactly.

        Returns (missing_keys, unexpected_keys). Shapes must always match.
        """
        params = dict(self._named_state())
        missing = [key for key in params if key not in state_dict]
        unexpected = [key for key in state_dict if key not in params]
        if strict and (missing or unexpected):
            raise RuntimeError(
                f"{type(self).__name__}.load_state_dict: missing keys {missing},"
                f" unexpected keys {unexpected}"
            )
        for key, param in params.items():
            if key not in state_dict:
                continue
            value = state_dict[key]
            value = np.asarray(value.data if isinstance(value, Tensor) else value)
            if value.shape != param.shape:
                raise RuntimeError(
                    f"{type(self).__name__}.load_state_dict: {key!r} has shape {value.shape}"
                    f" in the state dict but {param.shape} in the model"
                )
            # In place, so that anything holding this array (an optimizer's view) stays valid.
            param.data[...] = value
        return IncompatibleKeys(missing, unexpected)

    # ----- printing -----
    def extra_repr(self) -> str:
        """The text inside this module's parentheses in its repr (for example Linear's sizes)."""
        return ""

    def __repr__(self):
        lines = [
            f"({name}): " + repr(child).replace("\n", "\n  ")
            for name, child in self._modules.items()
        ]
        if not lines:
            return f"{type(self).__name__}({self.extra_repr()})"
        return f"{type(self).__name__}(\n  " + "\n  ".join(lines) + "\n)"
