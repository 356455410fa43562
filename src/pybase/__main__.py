"""``python -m pybase`` runs the CLI."""

from pybase.cli.main import run

run()
