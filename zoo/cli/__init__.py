"""The ``zoo`` command: parses, calls the library, prints. Keras is imported only when needed.

``app`` holds the command group and its error handling; each other module adds its commands.
"""

from zoo.cli import bench, catalogue, ensemble, runs, tune  # noqa: F401  (each adds commands)
from zoo.cli.app import cli, main

__all__ = ["cli", "main"]
