"""``python -m zoo`` runs the command line."""

from zoo.cli import main

main()
