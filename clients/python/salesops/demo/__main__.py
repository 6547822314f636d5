"""`python -m salesops.demo`: see salesops.demo.cli."""

from salesops.demo.cli import main

raise SystemExit(main())
