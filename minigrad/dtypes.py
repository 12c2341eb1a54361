"""PyTorch's dtype names, as numpy scalar types: `mg.float32`, `mg.int64`, `mg.bool`, `mg.long`, ...

A tensor's `.dtype` is a numpy dtype, and `np.dtype("float32") == np.float32`, so
`t.dtype == mg.float32` reads and behaves as in PyTorch; every function that takes a dtype
accepts these, numpy's own, and strings such as "float64".
"""

import numpy as np

float16 = half = np.float16
float32 = float = np.float32  # noqa: A001 (PyTorch's alias, shadowing the builtin on purpose)
float64 = double = np.float64
uint8 = np.uint8
int8 = np.int8
int16 = short = np.int16
int32 = int = np.int32  # noqa: A001 (torch.int is int32)
int64 = long = np.int64
bool = np.bool_  # noqa: A001

__all__ = [
    "float16", "half", "float32", "float", "float64", "double",
    "uint8", "int8", "int16", "short", "int32", "int", "int64", "long", "bool",
]
