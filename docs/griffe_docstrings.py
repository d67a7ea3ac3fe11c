"""Griffe extension (registered in `mkdocs.yml`): renders the project's docstrings faithfully.

The project writes doctest examples right under `Example:` without indenting them (the
doctest runner needs no indentation), which Google-style parsing reads as plain text, so the
expected-output lines would be read as Markdown (`[0.5, 1.0]` looks like a link reference).
This extension fences each run of doctest lines as a `pycon` code block. It also splits an
`Args:` entry that documents several parameters at once (`ws_a, ws_b: ...`) into one entry
per parameter, which the Google-style parser expects. Nothing else is changed.
"""

from __future__ import annotations

import re

import griffe

_GROUPED = re.compile(r"^(\s+)(\*{0,2}\w+(?:,\s*\*{0,2}\w+)+)(,?)\s*(?::\s*(.*))?$")


def fence_doctests(text):
    """Wraps every run of `>>>` lines (with their `...` lines and output) in a code fence."""
    lines, out, i = text.splitlines(), [], 0
    in_fence = False
    while i < len(lines):
        line = lines[i]
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
        if in_fence or not line.lstrip().startswith(">>>"):
            out.append(line)
            i += 1
            continue
        indent = line[: len(line) - len(line.lstrip())]
        out.append(f"{indent}```pycon")
        while i < len(lines) and lines[i].strip():
            out.append(lines[i])
            i += 1
        out.append(f"{indent}```")
    return "\n".join(out)


def split_grouped_args(text):
    """`a, b: desc` (possibly with the names wrapped over lines) -> one entry per name."""
    lines, out, i = text.splitlines(), [], 0
    while i < len(lines):
        match = _GROUPED.match(lines[i])
        if match and not match.group(4):
            # Names continued on the next line: `a, b,` / `    c: desc`.
            if match.group(3) and i + 1 < len(lines):
                merged = f"{lines[i].rstrip()} {lines[i + 1].strip()}"
                if _GROUPED.match(merged) and _GROUPED.match(merged).group(4):
                    lines[i + 1] = merged
                    i += 1
                    continue
        if match and match.group(4):
            indent, names, description = match.group(1), match.group(2), match.group(4)
            continuation = []
            while i + 1 < len(lines) and lines[i + 1].startswith(indent + " "):
                i += 1
                continuation.append(lines[i])
            for name in (n.strip() for n in names.split(",")):
                out.append(f"{indent}{name}: {description}")
                out.extend(continuation)
            i += 1
            continue
        out.append(lines[i])
        i += 1
    return "\n".join(out)


class ProjectDocstrings(griffe.Extension):
    """Fences doctests and splits grouped `Args:` entries before the docstrings are parsed."""

    def on_instance(self, *, obj, **kwargs):
        docstring = obj.docstring
        if docstring is None:
            return
        value = docstring.value
        if ">>>" in value:
            value = fence_doctests(value)
        if "Args:" in value and "," in value:
            value = split_grouped_args(value)
        docstring.value = value
