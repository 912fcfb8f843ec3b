"""Every knob of the size-versus-accuracy search (``compress.search``), checked on construction."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from compress.data import VALIDATION_IMAGES
from compress.observe import RANGES
from simulator.contract.numerics import BITS_MAX, BITS_MIN, check_choice, check_int

SHIPPED_DIR = Path(__file__).resolve().parent / "models"  # where the search ships its models


@dataclass(frozen=True, kw_only=True)
class SearchConfig:
    """Every knob of the search; the defaults reproduce the shipped models.

    Accuracies (targets, margin, stop_below, drop_floor) are fractions in [0, 1]; *_images
    are image counts; prune_step is the fraction of a width one prune action removes;
    bit_levels are the weight widths a layer steps down through; step_images are the
    training images of the short fine-tuning after each step, final_epochs the epochs of
    the chosen models' fine-tuning; refine is how many smaller states the bisection for the
    smallest that qualifies after it ranges over; trim how many finer steps (one channel or
    one bit level, each polished as long) may follow on the chosen model (0: none), and
    trim_retries how many next best steps are tried when a trim step falls short;
    a walk stops stop_below under its lowest target (after trying the ``retries`` next best
    actions of the step that fell below) or after max_steps; multiple rounds
    kept channel counts (e.g. to the PE array width); threads are torch threads;
    learned_steps makes the polishing learn each layer's weight step (LSQ, ``compress.qat``).
    """

    baseline: str = "baseline"
    targets: tuple[float, ...] = (0.80, 0.85, 0.90)
    prune_target: float = 0.85
    seed: int = 0
    validation_images: int = VALIDATION_IMAGES  # the baseline's hold-out (compress.data.holdout)
    ranking_images: int = 2000
    calibration_images: int = 1000
    prune_step: float = 0.25
    bit_levels: tuple[int, ...] = (8, 6, 5, 4, 3, 2)
    drop_floor: float = 0.002
    step_images: int = 16000
    final_epochs: int = 10
    refine: int = 16
    trim: int = 4
    trim_retries: int = 3
    margin: float = 0.01
    stop_below: float = 0.05
    max_steps: int = 60
    retries: int = 3
    multiple: int = 1
    criterion: str = "l1"
    weight_range: str = "mse"
    learning_rate: float = 1e-3
    batch_size: int = 128
    threads: int = 1
    test_curves: bool = True
    learned_steps: bool = False

    def __post_init__(self) -> None:
        owner = "SearchConfig"
        object.__setattr__(self, "targets", tuple(float(t) for t in self.targets))
        object.__setattr__(self, "bit_levels", tuple(sorted({int(b) for b in self.bit_levels}, reverse=True)))
        for i, t in enumerate(self.targets):
            if not 0.1 <= t < 1.0:
                raise ValueError(f"{owner}: targets[{i}]={t!r} is out of range; expected an accuracy in [0.1, 1)")
        if not self.targets or not self.bit_levels:
            raise ValueError(f"{owner}: targets={self.targets!r} and bit_levels={self.bit_levels!r} must not be empty")
        if not 0.1 <= self.prune_target < 1.0:
            raise ValueError(f"{owner}: prune_target={self.prune_target!r} is out of range; expected [0.1, 1)")
        for name, lo, hi in (
            ("seed", 0, 2**32 - 1),
            ("validation_images", 100, 30000),
            ("ranking_images", 100, 30000),
            ("calibration_images", 10, 10000),
            ("step_images", 128, 60000),
            ("final_epochs", 0, 100),
            ("refine", 0, 64),
            ("trim", 0, 64),
            ("trim_retries", 0, 16),
            ("max_steps", 1, 1000),
            ("retries", 0, 100),
            ("multiple", 1, 512),
            ("batch_size", 1, 65536),
            ("threads", 1, 256),
        ):
            check_int(owner, name, getattr(self, name), lo, hi)
        if self.ranking_images > self.validation_images:
            raise ValueError(
                f"{owner}: ranking_images={self.ranking_images} exceeds validation_images="
                f"{self.validation_images}; the ranking slice is part of the validation slice"
            )
        for i, b in enumerate(self.bit_levels):
            check_int(owner, f"bit_levels[{i}]", b, BITS_MIN, min(BITS_MAX, 8))
        for name, low, high in (
            ("prune_step", 0.01, 0.9),
            ("drop_floor", 0.0, 0.5),
            ("margin", -0.1, 0.1),
            ("stop_below", 0.0, 1.0),
            ("learning_rate", 1e-6, 0.5),
        ):
            if not low <= float(getattr(self, name)) <= high:
                raise ValueError(f"{owner}: {name}={getattr(self, name)!r} is out of range; expected [{low}, {high}]")
        check_choice(f"{owner}: criterion", self.criterion, ("l1", "l2"))
        check_choice(f"{owner}: weight_range", self.weight_range, RANGES)

    def to_json(self) -> dict:
        return asdict(self)


__all__ = ["SearchConfig"]
