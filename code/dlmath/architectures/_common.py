"""Private helpers shared by the topic modules of :mod:`dlmath.architectures`."""

from __future__ import annotations

import numpy as np
import torch


def _rel(a: np.ndarray | torch.Tensor, b: np.ndarray | torch.Tensor) -> float:
    """Relative error ||a - b|| / ||b||."""
    if isinstance(a, torch.Tensor):
        return float((a - b).norm() / b.norm())
    return float(np.linalg.norm(a - b) / np.linalg.norm(b))
