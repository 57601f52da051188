"""``python -m symdae``: the same as the ``symdae`` console script."""

from symdae.cli import main

raise SystemExit(main())
