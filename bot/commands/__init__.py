"""The `retiree-bot` subcommands, one module each; bot/cli.py parses arguments and dispatches here."""


class CommandError(Exception):
    """A command could not do its job for a reason the user can act on; printed as one line."""
