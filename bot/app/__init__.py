"""The application layer on top of everything: the `retiree-bot` command line (cli.py parses arguments and
dispatches to one module per subcommand), the wiring that builds the running parts from settings, the
benchmarks (bench/) and the terminal demo (demo/). The only code that knows every layer."""


class CommandError(Exception):
    """A command could not do its job for a reason the user can act on; printed as one line."""
