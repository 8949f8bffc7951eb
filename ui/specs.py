"""Named, frozen records of what the pages compute from: the chosen data and the problem.

They are hashable (cache keys of :mod:`ui.compute`) and carry no bytes: an
upload is named by its content digest, and its bytes travel beside the key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from ui.settings import parse_coefficients


@dataclass(frozen=True)
class GeneratorSpec:
    """Settings of :func:`core.data.generate`, named as its keyword arguments."""

    n_rows: int
    n_features: int
    coef: tuple[float, ...]
    intercept: float
    noise: float
    x_range: tuple[float, float]
    outlier_fraction: float
    seed: int

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> GeneratorSpec:
        """The generator settings in ``state``; ValueError when the coefficients do not parse.

        An empty x range is widened to one unit, so any pair of numbers works (see
        :func:`x_range`).
        """
        n_features = int(state["gen_features"])
        return cls(
            n_rows=int(state["gen_rows"]),
            n_features=n_features,
            coef=parse_coefficients(state["gen_coef"], n_features),
            intercept=float(state["gen_intercept"]),
            noise=float(state["gen_noise"]),
            x_range=x_range(state["gen_x_min"], state["gen_x_max"]),
            outlier_fraction=float(state["gen_outliers"]),
            seed=int(state["gen_seed"]),
        )

    def generate_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for :func:`core.data.generate`."""
        return asdict(self)


def x_range(low: float, high: float) -> tuple[float, float]:
    """The generator's x range from its two ends: in order, an empty range widened to one unit."""
    low, high = sorted((float(low), float(high)))
    return low, high if high > low else low + 1.0


@dataclass(frozen=True)
class DataSpec:
    """The data people chose.

    Attributes
    ----------
    source : {"preset", "bundled", "generate", "upload"}
    name : str
        The preset's or bundled dataset's key, or the uploaded file's name.
    digest : str
        The uploaded bytes' content digest (uploads only).
    generator : GeneratorSpec or None
        The generator's settings (generated data only).
    """

    source: str
    name: str = ""
    digest: str = ""
    generator: GeneratorSpec | None = None


@dataclass(frozen=True)
class ProblemKey:
    """The regression a page shows: the data, its columns, the split, the model and its loss.

    Attributes
    ----------
    data : DataSpec
    target : str
        The column fitted, as the data names it.
    features : tuple of str
        The columns it is fitted from, in the order the model's weights take.
    test_fraction : float
        The share of rows held out of training, ``[0, 0.9]``.
    fit_intercept : bool
    l2 : float
        Ridge strength, as :class:`core.settings.Settings` takes it.
    loss : {"mse", "half_mse"}
        The loss convention (:data:`core.objective.LOSSES`).
    """

    data: DataSpec
    target: str
    features: tuple[str, ...]
    test_fraction: float
    fit_intercept: bool
    l2: float
    loss: str = "mse"

    @classmethod
    def of(
        cls, state: Mapping[str, Any], data: DataSpec, target: str, features: Sequence[str]
    ) -> ProblemKey:
        """The problem the settings in ``state`` make of ``data``'s ``target`` and ``features``."""
        return cls(
            data=data,
            target=target,
            features=tuple(features),
            test_fraction=float(state["test_fraction"]),
            fit_intercept=bool(state["fit_intercept"]),
            l2=float(state["l2"]),
            loss=state["loss"],
        )
