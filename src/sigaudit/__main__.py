"""Allow ``python -m sigaudit``."""

from sigaudit.cli import main

if __name__ == "__main__":
    main()
