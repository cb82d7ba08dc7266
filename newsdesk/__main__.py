"""``python -m newsdesk``: the same command as the ``newsdesk`` script."""

from newsdesk.cli import main

main(prog_name="newsdesk")
