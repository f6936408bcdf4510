"""Allow ``python -m convviz``."""

from convviz.app import main

raise SystemExit(main())
