"""The numeric table every data source produces, and its split into (X, y)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from core.data.errors import DataError


@dataclass(frozen=True, eq=False)
class Table:
    """Numeric columns ready to be used as a regression target or features.

    Parameters
    ----------
    columns : list of str
        Unique names of the numeric columns, in file order.
    values : ndarray of shape (n_rows, len(columns))
        The data as float64; every value is finite. Stored as a read-only copy so
        a cached table cannot be changed by whoever holds it.
    skipped_columns : list of str, default []
        Columns left out: text, mostly empty, or an index of row numbers.
    dropped_rows : int, default 0
        Rows removed because a value in a kept column was missing.
    skip_reasons : dict of str to str, default {}
        Why each skipped column was left out, for example ``{"state": "text"}``.

    Raises
    ------
    ValueError
        If ``values`` is not 2-D, does not match ``columns``, holds NaN or
        infinity, or if a column name is repeated.
    """

    columns: list[str]
    values: np.ndarray
    skipped_columns: list[str] = field(default_factory=list)
    dropped_rows: int = 0
    skip_reasons: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        columns = [str(name) for name in self.columns]
        values = np.array(self.values, dtype=np.float64)
        if values.ndim != 2 or values.shape[1] != len(columns):
            raise ValueError(
                f"values must have shape (n_rows, {len(columns)}) to match columns; "
                f"got shape {values.shape}."
            )
        if len(set(columns)) != len(columns):
            raise ValueError(f"Column names must be unique; got {columns}.")
        if not np.isfinite(values).all():
            raise ValueError("values must be finite; drop or fill rows with NaN or infinity.")
        values.flags.writeable = False
        object.__setattr__(self, "columns", columns)
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "skipped_columns", list(self.skipped_columns))
        object.__setattr__(self, "skip_reasons", dict(self.skip_reasons))

    @property
    def n_rows(self) -> int:
        """Number of rows, ``values.shape[0]``."""
        return self.values.shape[0]

    def xy(self, target: str, features: Sequence[str] | str) -> tuple[np.ndarray, np.ndarray]:
        """Split the table into a design matrix and a target vector.

        Parameters
        ----------
        target : str
            Name of the column to predict.
        features : sequence of str, or str
            Names of the predictor columns, in the order wanted in ``X``; a single
            name may be passed as a plain string.

        Returns
        -------
        X : ndarray of shape (n_rows, len(features))
            Feature columns, float64, a fresh writeable copy.
        y : ndarray of shape (n_rows,)
            Target column, float64, a fresh writeable copy.

        Raises
        ------
        DataError
            If a name is not a column, a feature is listed twice, the target is
            also a feature, or no feature is given.
        """
        feature_names = [features] if isinstance(features, str) else list(features)
        target_index = self._index_of(target)
        feature_indices = [self._index_of(name) for name in feature_names]
        if not feature_names:
            raise DataError(
                f"Choose at least one feature column besides the target '{target}'; "
                f"the table has: {', '.join(self.columns)}."
            )
        if target in feature_names:
            raise DataError(
                f"The target '{target}' cannot also be a feature; remove it from the features."
            )
        repeated = sorted({name for name in feature_names if feature_names.count(name) > 1})
        if repeated:
            raise DataError(f"Each feature may be chosen once; repeated: {', '.join(repeated)}.")
        return self.values[:, feature_indices], self.values[:, target_index].copy()

    def _index_of(self, name: str) -> int:
        try:
            return self.columns.index(name)
        except ValueError:
            raise DataError(
                f"There is no column named {name!r}; the table has: {', '.join(self.columns)}."
            ) from None
