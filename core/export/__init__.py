"""What a finished run can be taken away as: a CSV history, a JSON record, a script.

Every function here is pure: it takes a :class:`~core.descent.Run` (and the
data it was fitted on) and returns text; writing files is the caller's job.

* :mod:`core.export.records`: :func:`history_csv`, :func:`data_csv` and
  :func:`run_json`, the run and its data as records;
* :mod:`core.export.script`: :func:`reproduction_script`, a standalone NumPy
  script that repeats the run, assembled from the text in
  :mod:`core.export.templates` and the engine's own rules and schedules, which
  :mod:`core.export.engine_source` reads.

Column names are user text and are treated as hostile throughout:

* in CSV files a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab
  or a carriage return gets a leading ``'`` so a spreadsheet shows it instead
  of evaluating it (formula injection); numbers are written as numbers,
  untouched;
* in the reproduction script a name only ever appears as the ``repr()`` of a
  string, so no name can end a literal, start a statement or open a comment.
"""

from core.export.records import (
    FORMULA_TRIGGERS,
    data_csv,
    downhill_version,
    history_csv,
    neutralise_cell,
    run_json,
)
from core.export.script import DATA_FILE_NAME, EMBED_MAX_ROWS, reproduction_script

__all__ = [
    "DATA_FILE_NAME",
    "EMBED_MAX_ROWS",
    "FORMULA_TRIGGERS",
    "data_csv",
    "downhill_version",
    "history_csv",
    "neutralise_cell",
    "reproduction_script",
    "run_json",
]
