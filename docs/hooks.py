"""MkDocs hooks of the documentation site (registered in `mkdocs.yml`).

The command-line reference is generated from the argument parser at build time, so it can
never drift from the flags: `docs/reference/cli.md` holds the marker `<!-- cli-reference -->`
and this hook replaces it with every subcommand's usage, flags, help texts and defaults, read
from `keras_gans_cli.build_parser()` (which imports no TensorFlow). Run this file as a script
to print the generated Markdown.

The plugin rules live in `plugins/README.md` (read in the repository, beside the plugin
distributions); `docs/guide/plugins.md` holds the marker `<!-- plugins-readme -->`, which
this hook replaces with that file's sections from "Entry-point groups" on, so the site and
the repository say the same.
"""

from __future__ import annotations

import argparse
from pathlib import Path

MARKER = "<!-- cli-reference -->"
PLUGINS_MARKER = "<!-- plugins-readme -->"
PLUGINS_README = Path(__file__).resolve().parent.parent / "plugins" / "README.md"
PLUGINS_FIRST_SECTION = "## Entry-point groups"


def _cell(text):
    """Text safe inside a Markdown table cell."""
    text = " ".join(str(text).split()).replace("|", "\\|")
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _subcommands(parser):
    for action in parser._actions:  # argparse has no public accessor for subparsers
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            for name, sub in action.choices.items():
                yield name, sub, helps.get(name, "")


def _help(parser, action):
    if not action.help or action.help == argparse.SUPPRESS:
        return ""
    # Expand %(default)s and friends the way --help does, without the formatter's suffix.
    values = {**vars(action), "prog": parser.prog}
    for key, value in list(values.items()):
        if isinstance(value, (list, tuple)):
            values[key] = ", ".join(map(str, value))
    try:
        return action.help % values
    except (KeyError, TypeError, ValueError):
        return action.help


def _default(action):
    default = action.default
    if isinstance(action, (argparse._StoreTrueAction, argparse._StoreFalseAction)):
        return "off" if default is False else "on"
    if default is None or default == argparse.SUPPRESS or isinstance(action, argparse._HelpAction):
        return ""
    if isinstance(default, (list, tuple)):
        return f"`{' '.join(map(str, default))}`" if default else ""
    return f"`{default}`"


def _flag(action):
    if not action.option_strings:
        return f"`{action.metavar or action.dest.upper()}`"
    names = ", ".join(f"`{option}`" for option in action.option_strings)
    if action.nargs == 0:
        return names
    metavar = action.metavar or (
        "{" + ",".join(map(str, action.choices)) + "}" if action.choices else action.dest.upper()
    )
    if isinstance(metavar, tuple):
        metavar = " ".join(metavar)
    return f"{names} `{metavar}`"


def cli_reference_markdown(parser=None):
    """Markdown for every subcommand of `keras-gans`: usage, then one table row per flag.

    Args:
        parser: The parser to describe (default `keras_gans_cli.build_parser()`).

    Returns:
        The Markdown text, with one `## keras-gans <command>` section per subcommand.
    """
    if parser is None:
        from keras_gans_cli import build_parser

        parser = build_parser()
    parts = []
    for name, sub, summary in _subcommands(parser):
        usage = " ".join(sub.format_usage().split())
        usage = usage.removeprefix("usage: ")
        parts += [f"## `keras-gans {name}`", ""]
        text = sub.description or summary
        if text:
            parts += [_cell(text[0].upper() + text[1:]), ""]
        parts += ["```text", usage, "```", ""]
        parts += ["| argument | help | default |", "| --- | --- | --- |"]
        for action in sub._actions:
            parts.append(
                f"| {_flag(action)} | {_cell(_help(sub, action))} | {_cell(_default(action))} |"
            )
        parts.append("")
    return "\n".join(parts)


def plugins_readme_markdown(path=PLUGINS_README):
    """The sections of `plugins/README.md` from "Entry-point groups" to the end."""
    text = Path(path).read_text(encoding="utf-8")
    start = text.find(PLUGINS_FIRST_SECTION)
    if start < 0:
        raise ValueError(f"{path} has no section {PLUGINS_FIRST_SECTION!r} to include")
    return text[start:]


def on_page_markdown(markdown, page, config, files):
    """MkDocs hook: fills the CLI reference page and the plugin rules."""
    if MARKER in markdown:
        markdown = markdown.replace(MARKER, cli_reference_markdown())
    if PLUGINS_MARKER in markdown:
        markdown = markdown.replace(PLUGINS_MARKER, plugins_readme_markdown())
    return markdown


if __name__ == "__main__":
    print(cli_reference_markdown())
