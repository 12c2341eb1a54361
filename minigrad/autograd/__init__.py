"""Autograd beyond `.backward()`: gradients as values (`grad`), the functional API, anomaly mode."""

from . import functional  # vjp, jvp, jacobian, hessian, hvp, vhp (issue 12's functional API)
from .anomaly import detect_anomaly, is_anomaly_enabled, set_detect_anomaly
from .gradients import grad

__all__ = ["grad", "detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled", "functional"]
