"""What to prune: the choices of structured pruning and ``PruneSpec`` (see ``compress.prune``).

Kept apart from the pruning itself (which needs torch) so the command line can offer the
choices and check a spec without loading torch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from simulator.contract.numerics import check_choice, check_int

CRITERIA = ("l1", "l2")
TARGETS = ("filter", "channel")
SCOPES = ("layer", "global")


@dataclass(frozen=True, kw_only=True)
class PruneSpec:
    """What to prune and how (see the module docstring).

    target : "filter" (score a channel by its filter) or "channel" (by the next layer's inputs)
    criterion : "l1" or "l2"
    scope : "layer" or "global"
    fractions : fraction in [0, 1) of each hidden width to drop (one per width, or one for all);
        global scope takes exactly one
    threshold : alternatively, a score threshold >= 0 (relative to the layer mean with layer scope)
    multiple : kept channel counts are rounded up to a multiple of this (1 = no rounding)
    """

    target: str = "filter"
    criterion: str = "l1"
    scope: str = "layer"
    fractions: tuple[float, ...] | None = None
    threshold: float | None = None
    multiple: int = 1

    def __post_init__(self) -> None:
        check_choice("PruneSpec: target", self.target, TARGETS)
        check_choice("PruneSpec: criterion", self.criterion, CRITERIA)
        check_choice("PruneSpec: scope", self.scope, SCOPES)
        check_int("PruneSpec", "multiple", self.multiple, 1, 512)
        if (self.fractions is None) == (self.threshold is None):
            raise ValueError(
                f"PruneSpec: fractions={self.fractions!r}, threshold={self.threshold!r}; give exactly one of them"
            )
        if self.fractions is not None:
            object.__setattr__(self, "fractions", tuple(float(f) for f in self.fractions))
            if not self.fractions:
                raise ValueError("PruneSpec: fractions=() is empty; give one fraction or one per hidden width")
            for i, f in enumerate(self.fractions):
                if not 0.0 <= f < 1.0:
                    raise ValueError(f"PruneSpec: fractions[{i}]={f!r} is out of range; expected a float in [0, 1)")
            if self.scope == "global" and len(self.fractions) != 1:
                raise ValueError(
                    f"PruneSpec: fractions={self.fractions!r} with scope='global'; global pruning takes one fraction"
                )
        if self.threshold is not None and not (math.isfinite(self.threshold) and self.threshold >= 0.0):
            raise ValueError(f"PruneSpec: threshold={self.threshold!r} is out of range; expected a float >= 0")
