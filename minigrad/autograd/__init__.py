"""Autograd beyond `.backward()`: gradients as values (`grad`) and anomaly mode."""

from .anomaly import detect_anomaly, is_anomaly_enabled, set_detect_anomaly
from .gradients import grad

__all__ = ["grad", "detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled"]
