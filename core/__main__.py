"""``python -m core``: the engine's command line (see :mod:`core.cli`)."""

from core.cli import main

raise SystemExit(main())
