"""Utilities under PyTorch's names: `minigrad.utils.data` (Dataset, TensorDataset, DataLoader)."""

from . import data

__all__ = ["data"]
