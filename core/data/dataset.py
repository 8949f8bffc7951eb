"""A table together with the regression it is meant for and, when known, the truth."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from core.data.table import Table

#: Header names of a column that names rows rather than measures them: ``id``, ``#ID``,
#: ``index``, pandas' ``Unnamed: 0``, ``customer_id``, ``row id`` (any case).
_IDENTIFIER_NAME = re.compile(r"#?\s*(id|index|unnamed: \d+|.*[\s_.-]id|)", re.IGNORECASE)


def _frozen(array: np.ndarray | None, dtype: type) -> np.ndarray | None:
    if array is None:
        return None
    frozen = np.array(array, dtype=dtype)
    frozen.flags.writeable = False
    return frozen


@dataclass(frozen=True, eq=False)
class Dataset:
    """Data ready to fit: a table, which column to predict and from which columns.

    Parameters
    ----------
    name : str
        Short title for menus, for example ``"Clear bowl"``.
    description : str
        One line saying what the data is.
    table : Table
        The numeric data.
    target : str
        Default column to predict.
    features : list of str
        Default predictor columns, in order.
    true_coef : ndarray of shape (len(features),) or None, default None
        Coefficients the data was generated from; None for real data.
    true_intercept : float or None, default None
        Intercept the data was generated from; None for real data.
    outlier_rows : ndarray of int, default empty
        Row numbers whose target was pushed away from the line on purpose.
    groups : ndarray of str of shape (n_rows,) or None, default None
        For data made of several sets meant to be looked at side by side (Anscombe's
        quartet), the label of the set each row belongs to; None for one set.
    group_column : str, default ""
        What the labels are called in the source, for example ``"series"``.

    Notes
    -----
    A chart of grouped data draws one panel per label of :meth:`group_rows`, in that
    order, each with the points ``X[rows], y[rows]`` of its set, on shared axes so the
    shapes compare at a glance, and the same fitted line on every panel.
    """

    name: str
    description: str
    table: Table
    target: str
    features: list[str]
    true_coef: np.ndarray | None = None
    true_intercept: float | None = None
    outlier_rows: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.intp))
    groups: np.ndarray | None = None
    group_column: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "features", list(self.features))
        object.__setattr__(self, "true_coef", _frozen(self.true_coef, np.float64))
        object.__setattr__(self, "outlier_rows", _frozen(self.outlier_rows, np.intp))
        object.__setattr__(self, "groups", _frozen(self.groups, np.str_))
        if self.groups is not None and self.groups.shape != (self.table.n_rows,):
            raise ValueError(
                f"groups must hold one label per row ({self.table.n_rows}); "
                f"got shape {self.groups.shape}."
            )
        if self.true_intercept is not None:
            object.__setattr__(self, "true_intercept", float(self.true_intercept))

    def xy(self) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(X, y)`` for the default target and features.

        Returns
        -------
        X : ndarray of shape (n_rows, len(features))
        y : ndarray of shape (n_rows,)
        """
        return self.table.xy(self.target, self.features)

    def group_rows(self) -> dict[str, np.ndarray]:
        """Row numbers of each set, keyed by label in order of first appearance.

        Returns
        -------
        dict of str to ndarray of int
            Empty when the data is one set (``groups`` is None).
        """
        if self.groups is None:
            return {}
        labels = dict.fromkeys(self.groups.tolist())
        return {label: np.flatnonzero(self.groups == label) for label in labels}


def from_columns(
    name: str,
    description: str,
    X: np.ndarray,
    y: np.ndarray,
    *,
    true_coef: np.ndarray | None = None,
    true_intercept: float | None = None,
    outlier_rows: np.ndarray | None = None,
) -> Dataset:
    """Build a :class:`Dataset` from arrays, naming features ``x`` or ``x1, x2, ...`` and
    the target ``y``.

    Parameters
    ----------
    name, description : str
        As in :class:`Dataset`.
    X : ndarray of shape (n_rows, n_features)
    y : ndarray of shape (n_rows,)
    true_coef, true_intercept, outlier_rows
        As in :class:`Dataset`.

    Returns
    -------
    Dataset
    """
    n_features = X.shape[1]
    features = ["x"] if n_features == 1 else [f"x{j + 1}" for j in range(n_features)]
    table = Table([*features, "y"], np.column_stack([X, y]))
    return Dataset(
        name,
        description,
        table,
        "y",
        features,
        true_coef,
        true_intercept,
        np.empty(0, dtype=np.intp) if outlier_rows is None else outlier_rows,
    )


def identifier_columns(table: Table) -> list[str]:
    """The columns that identify rows rather than measure them, in table order.

    A column is an identifier when its name says so (``id``, ``#ID``, ``index``,
    ``Unnamed: 0``, ``..._id``) or when it counts the rows, 0, 1, 2, ... or 1, 2, 3, ...
    Fitting one is fitting the row's position: it is not a feature to start from
    (a person can still choose it).

    Parameters
    ----------
    table : Table

    Returns
    -------
    list of str
    """
    values = table.values
    named = {name for name in table.columns if _IDENTIFIER_NAME.fullmatch(name.strip())}
    counting = set()
    if table.n_rows >= 2:
        # Only columns that start 0, 1 or 1, 2 can count rows; the full check is for those.
        starts = np.flatnonzero(np.isin(values[0], (0.0, 1.0)) & (values[1] - values[0] == 1))
        steps = np.arange(table.n_rows, dtype=np.float64)
        counting = {
            table.columns[j] for j in starts if np.array_equal(values[:, j] - values[0, j], steps)
        }
    return [name for name in table.columns if name in named or name in counting]


def default_features(table: Table, target: str) -> list[str]:
    """The features a fit of ``target`` starts from: every other column but identifiers.

    When every other column is an identifier, they are all returned: a fit needs one.

    Parameters
    ----------
    table : Table
    target : str
        A column of ``table``.

    Returns
    -------
    list of str
        In table order.
    """
    others = [name for name in table.columns if name != target]
    identifiers = set(identifier_columns(table))
    return [name for name in others if name not in identifiers] or others


def from_table(name: str, description: str, table: Table) -> Dataset:
    """Data to fit from a table that says nothing of its own (an upload).

    The target is the last column that is not an identifier (see
    :func:`identifier_columns`; the last column when all are), the features
    :func:`default_features`.

    Parameters
    ----------
    name, description : str
        As in :class:`Dataset`.
    table : Table

    Returns
    -------
    Dataset
    """
    identifiers = set(identifier_columns(table))
    measured = [column for column in table.columns if column not in identifiers]
    target = (measured or table.columns)[-1]
    return Dataset(name, description, table, target, default_features(table, target))
