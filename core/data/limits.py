"""Size limits shared by the CSV reader and the generators."""

from __future__ import annotations

#: Largest upload accepted, in bytes; matches ``maxUploadSize = 50`` in .streamlit/config.toml.
MAX_UPLOAD_BYTES = 50 * 1024 * 1024

#: Most data rows a table may hold; beyond this the per-epoch work stops feeling live.
MAX_ROWS = 2_000_000

#: Fewest rows worth fitting: two points always fit a line exactly.
MIN_ROWS = 3

#: Longest column name accepted, in characters: names are shown (shortened) in menus, tables
#: and the settings link; a 10,000-character name still opens, and a far longer one is almost
#: always a header that lost its delimiter.
MAX_NAME_CHARS = 20_000

#: Most features one fit may use: the closed form, the views and the settings link stay
#: quick up to here. Wider data still opens, and people choose which columns to fit.
MAX_FEATURES = 50
