"""Datasets and batching under PyTorch's names (`torch.utils.data`).

A Dataset answers `len(ds)` and `ds[i]`; a DataLoader draws indices (shuffled or in order), asks
the dataset for those samples and stacks them into batches. `TensorDataset` holds tensors whose
first dims are the samples; for it the loader indexes each tensor once per batch instead of
stacking samples one by one (same result, less Python).
"""

import math

import numpy as np

from .. import random as _random
from ..tensor import Tensor


class Dataset:
    """Base class of map-style datasets: subclasses define __getitem__(i) and __len__()."""

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} does not define __getitem__")

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} does not define __len__")


class TensorDataset(Dataset):
    """Samples are rows of the given tensors: ds[i] = (t[i] for t in tensors)."""

    def __init__(self, *tensors):
        for index, t in enumerate(tensors):
            if not isinstance(t, Tensor):
                raise TypeError(
                    f"TensorDataset: argument {index} must be a Tensor, got {type(t).__name__}"
                    " (wrap arrays with mg.tensor or mg.from_numpy)"
                )
        lengths = [len(t) for t in tensors]
        if len(set(lengths)) > 1:
            raise ValueError(f"TensorDataset: tensors must have the same first dim, got {lengths}")
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(Tensor(t.data[index]) for t in self.tensors)

    def __len__(self):
        return len(self.tensors[0]) if self.tensors else 0


class Subset(Dataset):
    """The samples of `dataset` at `indices`, in that order."""

    def __init__(self, dataset, indices):
        self.dataset, self.indices = dataset, list(indices)

    def __getitem__(self, index):
        if isinstance(index, (list, np.ndarray)):
            return self.dataset[[self.indices[i] for i in index]]
        return self.dataset[self.indices[index]]

    def __len__(self):
        return len(self.indices)


def _split_lengths(lengths, n):
    """Whole lengths as given, or fractions turned into counts whose remainder goes one by one
    to the first parts (PyTorch's rule)."""
    lengths = list(lengths)
    if all(isinstance(x, (int, np.integer)) for x in lengths):
        if sum(lengths) != n or any(x < 0 for x in lengths):
            raise ValueError(
                f"random_split: lengths {lengths} must be non-negative and sum to the"
                f" dataset's {n} samples"
            )
        return [int(x) for x in lengths]
    if not math.isclose(sum(lengths), 1) or any(x < 0 for x in lengths):
        raise ValueError(f"random_split: fractions {lengths} must be non-negative and sum to 1")
    counts = [int(math.floor(n * x)) for x in lengths]
    for i in range(n - sum(counts)):
        counts[i % len(counts)] += 1
    return counts


def random_split(dataset, lengths, generator=None):
    """Split into non-overlapping Subsets of the given lengths (or fractions), at random.

    `generator` is a numpy Generator (e.g. np.random.default_rng(42)); None uses minigrad's.
    """
    counts = _split_lengths(lengths, len(dataset))
    order = (generator or _random.generator()).permutation(len(dataset)).tolist()
    ends = np.cumsum(counts)
    return [Subset(dataset, order[end - count : end]) for count, end in zip(counts, ends)]


def default_collate(samples):
    """Stack a list of samples into a batch: tuples field by field, numbers and arrays into tensors."""
    first = samples[0]
    if isinstance(first, (tuple, list)):
        return [default_collate(list(field)) for field in zip(*samples)]  # a list, as PyTorch gives
    if isinstance(first, dict):
        return {key: default_collate([s[key] for s in samples]) for key in first}
    arrays = [s.data if isinstance(s, Tensor) else s for s in samples]
    try:
        return Tensor(np.stack([np.asarray(a) for a in arrays]))
    except (ValueError, TypeError) as err:
        raise TypeError(
            f"default_collate: cannot stack samples of type {type(first).__name__} ({err})"
        ) from None


def _check_int(name, value, minimum):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"DataLoader: {name} must be an int, got {value!r}")
    if value < minimum:
        raise ValueError(f"DataLoader: {name} must be >= {minimum}, got {value}")
    return int(value)


class DataLoader:
    """Iterate over a Dataset in batches: `DataLoader(dataset, batch_size=1, shuffle=False)`.

    Each epoch draws a fresh order when shuffle=True, from `generator` (a numpy Generator) or
    minigrad's global one (see `mg.manual_seed`). A last batch smaller than batch_size is kept
    unless drop_last=True. len(loader) is the number of batches per epoch.
    """

    def __init__(
        self, dataset, batch_size=1, shuffle=False, drop_last=False, generator=None, collate_fn=None
    ):
        if not hasattr(dataset, "__getitem__") or not hasattr(dataset, "__len__"):
            raise TypeError(
                f"DataLoader: dataset must have __getitem__ and __len__ (a Dataset), got"
                f" {type(dataset).__name__}"
            )
        self.dataset = dataset
        self.batch_size = _check_int("batch_size", batch_size, 1)
        self.shuffle, self.drop_last = bool(shuffle), bool(drop_last)
        self.generator = generator
        self.collate_fn = collate_fn or default_collate

    def __len__(self):
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def __iter__(self):
        n = len(self.dataset)
        if self.shuffle:
            order = (self.generator or _random.generator()).permutation(n)
        else:
            order = np.arange(n)
        for b in range(len(self)):
            rows = order[b * self.batch_size : (b + 1) * self.batch_size]
            yield self._batch(rows)

    def _batch(self, rows):
        if isinstance(self.dataset, TensorDataset) and self.collate_fn is default_collate:
            return [
                Tensor(t.data[rows]) for t in self.dataset.tensors
            ]  # one fancy index per tensor
        return self.collate_fn([self.dataset[int(i)] for i in rows])
