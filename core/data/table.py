"""The numeric table every data source produces, and its split into (X, y)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from core.data.errors import DataError
from core.data.limits import MIN_ROWS


@dataclass(frozen=True, eq=False)
class Table:
    """Numeric columns ready to be used as a regression target or features.

    Parameters
    ----------
    columns : list of str
        Unique names of the numeric columns, in file order.
    values : ndarray of shape (n_rows, len(columns))
        The data as float64: finite, or NaN where a value is missing. Every row of
        the source is kept; :meth:`xy` drops only rows missing a value in the columns
        it is asked for. Stored as a read-only copy so a cached table cannot be
        changed by whoever holds it.
    skipped_columns : list of str, default []
        Columns left out: text, mostly empty, or an index of row numbers.
    skip_reasons : dict of str to str, default {}
        Why each skipped column was left out, for example ``{"state": "text"}``.

    Raises
    ------
    ValueError
        If ``values`` is not 2-D, does not match ``columns``, holds infinity, or if
        a column name is repeated.
    """

    columns: list[str]
    values: np.ndarray
    skipped_columns: list[str] = field(default_factory=list)
    skip_reasons: dict[str, str] = field(default_factory=dict)
    _missing: np.ndarray = field(init=False, repr=False)

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
        # Per column, whether any value is missing: most columns have none, and then
        # finding the complete rows of a choice of columns need not look at them.
        finite = np.isfinite(values)
        if finite.all():
            gaps = np.zeros(len(columns), dtype=bool)
        elif np.isinf(values).any():
            raise ValueError("values must be finite or NaN (missing); got infinity.")
        else:
            gaps = ~finite.all(axis=0)
        values.flags.writeable = False
        object.__setattr__(self, "_missing", gaps)
        object.__setattr__(self, "columns", columns)
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "skipped_columns", list(self.skipped_columns))
        object.__setattr__(self, "skip_reasons", dict(self.skip_reasons))

    @property
    def n_rows(self) -> int:
        """Number of rows, ``values.shape[0]``."""
        return self.values.shape[0]

    def complete_rows(self, names: Sequence[str]) -> np.ndarray:
        """Which rows have a value in every one of the columns ``names``.

        Parameters
        ----------
        names : sequence of str
            Column names.

        Returns
        -------
        ndarray of bool of shape (n_rows,)

        Raises
        ------
        DataError
            If a name is not a column.
        """
        indices = [self._index_of(name) for name in names]
        gappy = [i for i in indices if self._missing[i]]
        if not gappy:
            return np.ones(self.n_rows, dtype=bool)
        return ~np.isnan(self.values[:, gappy]).any(axis=1)

    def rows_missing(self, names: Sequence[str]) -> int:
        """How many rows :meth:`xy` drops for the columns ``names``: those missing a value there."""
        return self.n_rows - int(np.count_nonzero(self.complete_rows(names)))

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
        X : ndarray of shape (n_complete, len(features))
            Feature columns, float64, a fresh writeable copy, of the rows with a
            value in the target and every feature (other columns may miss values:
            they are not used); :meth:`rows_missing` counts the rows left out.
        y : ndarray of shape (n_complete,)
            Target column, float64, a fresh writeable copy, of the same rows.

        Raises
        ------
        DataError
            If a name is not a column, a feature is listed twice, the target is
            also a feature, no feature is given, or fewer than ``MIN_ROWS`` rows
            have a value in every column chosen.
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
        complete = self.complete_rows([target, *feature_names])
        if complete.all():
            return self.values[:, feature_indices], self.values[:, target_index].copy()
        kept = int(np.count_nonzero(complete))
        if kept < MIN_ROWS:
            raise DataError(
                f"Only {kept} rows have a value in '{target}' and every feature chosen; need at "
                f"least {MIN_ROWS}. Choose other columns, or fill in the missing values."
            )
        return self.values[np.ix_(complete, feature_indices)], self.values[complete, target_index]

    def _index_of(self, name: str) -> int:
        try:
            return self.columns.index(name)
        except ValueError:
            raise DataError(
                f"There is no column named {name!r}; the table has: {', '.join(self.columns)}."
            ) from None
