"""One line per error on the command line: ``error: <what is wrong and what is allowed>`` on
stderr, printed as plain text (a path or a message holding ``[bold]`` is shown as typed,
never read as rich markup), with exit status 2 for bad input.

``OneLineErrors`` is the command group of the ``nextwork-sim`` app: it replaces typer's usage
box (usage line, hint and a framed error: five lines) by one line naming the flag and what it
allows, e.g. ``error: --years 0: expected a whole number from 1 to 50``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import NoReturn

import typer
from rich.console import Console
from rich.text import Text
from typer._click.exceptions import (
    BadParameter,
    ClickException,
    MissingParameter,
    NoArgsIsHelpError,
)
from typer.core import TyperGroup
from typer.exceptions import Abort

from .config import ConfigError
from .experiments.storage import OutputError

#: exit status of bad input (flags, config, data files, output folder)
BAD_INPUT = 2
#: exit status of a broken invariant (a model defect, or numbers the model cannot run)
BROKEN_INVARIANT = 1

_stderr = Console(stderr=True)


def one_line(message: str) -> str:
    """``message`` with every run of whitespace (newlines included) made one space."""
    return " ".join(str(message).split())


def print_error(message: str, prefix: str = "error: ") -> None:
    """Print ``prefix + message`` on stderr as one plain-text line (no markup, no wrapping)."""
    line = Text(prefix, style="bold red") if prefix.startswith("error") else Text(prefix,
                                                                                  style="yellow")
    line.append(one_line(message))
    _stderr.print(line, highlight=False, soft_wrap=True, markup=False)


def fail(message: str, status: int = BAD_INPUT) -> NoReturn:
    """Print one error line and exit with ``status`` (2: bad input)."""
    print_error(message)
    raise typer.Exit(status)


def _number_range(low, high, whole: bool) -> str:
    kind = "a whole number" if whole else "a number"
    if low is not None and high is not None:
        return f"{kind} from {low:g} to {high:g}"
    if low is not None:
        return f"{kind} of at least {low:g}"
    if high is not None:
        return f"{kind} of at most {high:g}"
    return kind


def allowed(param) -> str | None:
    """What a typer parameter accepts, in words (``None`` when there is nothing to add)."""
    descriptor = getattr(param, "type_descriptor", None)
    annotation = getattr(descriptor, "annotation", None)
    low, high = getattr(param, "min", None), getattr(param, "max", None)
    if annotation in (int, float):
        return _number_range(low, high, annotation is int)
    choices = getattr(descriptor, "choices", None) if descriptor is not None else None
    if choices:
        return "one of " + ", ".join(str(getattr(c, "value", c)) for c in choices)
    return None


def _given(args: Sequence[str], names: Sequence[str]) -> str | None:
    """The value given to the option ``names`` in ``args`` (its last use), if any."""
    found = None
    for index, arg in enumerate(args):
        for name in names:
            if arg == name and index + 1 < len(args):
                found = args[index + 1]
            elif arg.startswith(name + "="):
                found = arg[len(name) + 1:]
    return found


def usage_message(error, args: Sequence[str]) -> str:
    """One line for a usage error (a bad or missing flag or argument, an unknown command)."""
    command = ""
    ctx = getattr(error, "ctx", None)
    if ctx is not None:
        command = ctx.command_path
    param = getattr(error, "param", None)
    if isinstance(error, MissingParameter) or not isinstance(error, BadParameter) or param is None:
        text = one_line(error.format_message()).rstrip(".")
        text = text[:1].lower() + text[1:]
        return f"{text} (see {command} --help)" if command else text
    names = list(getattr(param, "opts", []) or []) + list(getattr(param, "secondary_opts", [])
                                                          or [])
    is_option = any(name.startswith("-") for name in names)
    flag = names[0] if is_option else (getattr(param, "name", "") or "argument").upper()
    given = _given(args, names) if is_option else None
    what = allowed(param)
    value = f" {given}" if given is not None else ""
    if what is not None:
        return one_line(f"{flag}{value}: expected {what}")
    return one_line(f"{flag}{value}: {error.message}")


class OneLineErrors(TyperGroup):
    """The app's command group: usage errors are one line (``usage_message``), exit 2."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True,
             **extra):
        from .invariants import InvariantError  # start-up time (it loads mesa)

        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False,
                                **extra)
        given = list(sys.argv[1:] if args is None else args)
        try:
            status = super().main(given, prog_name, complete_var, standalone_mode=False,
                                  **extra)
        except NoArgsIsHelpError as error:  # the bare command: its help, as typer shows it
            error.show()
            sys.exit(error.exit_code)
        except ClickException as error:
            print_error(usage_message(error, given))
            sys.exit(BAD_INPUT)
        except InvariantError as error:  # a model defect, in this process or a worker's
            print_error(str(error))
            sys.exit(BROKEN_INVARIANT)
        except (ConfigError, OutputError) as error:  # bad input a command did not catch
            print_error(str(error))
            sys.exit(BAD_INPUT)
        except Abort:
            print_error("aborted")
            sys.exit(1)
        sys.exit(status if isinstance(status, int) else 0)
