"""A Pygments lexer for rule files (``*.elect``), registered as ``elect`` by an entry point, so
``pygmentize -l elect``, Sphinx and MkDocs highlight code blocks marked ``elect``.

Keywords are read from the grammar (``hemicycle.editor.vocabulary``): clause words (``tier``,
``threshold``, ...) are ``Keyword``, other structure words ``Keyword.Reserved``, and names of
methods, quotas, bases and criteria ``Name.Builtin``, parameters (``$threshold``)
``Name.Variable``.
"""

from __future__ import annotations

from typing import ClassVar

from pygments.lexer import RegexLexer, bygroups
from pygments.token import Comment, Keyword, Name, Number, Operator, Punctuation, String, Text, Whitespace

from hemicycle.editor import patterns as p


class ElectLexer(RegexLexer):
    name = "Elect (hemicycle rules)"
    aliases: ClassVar[list[str]] = ["elect", "hemicycle"]
    filenames: ClassVar[list[str]] = ["*.elect"]
    mimetypes: ClassVar[list[str]] = ["text/x-elect"]
    url = "https://pypi.org/project/hemicycle/"

    tokens: ClassVar[dict[str, list[tuple[str, object]]]] = {
        "root": [
            (r"\s+", Whitespace),
            (p.COMMENT, Comment.Single),
            (p.STRING, String.Double),
            (p.CITATION, String.Doc),
            (p.PARAM_DECLARATION, bygroups(Keyword, Whitespace, Name.Variable)),
            (p.PARAM_REF, Name.Variable),
            (p.RANGE, Operator),
            (p.PERCENT, Number),
            (p.FRACTION, Number),
            (p.DECIMAL, Number.Float),
            (p.INT, Number.Integer),
            (p.COMPARATOR, Operator),
            (r"[{},]", Punctuation),
            (p.clause_pattern(), Keyword),
            (p.value_pattern(), Name.Builtin),
            (p.keyword_pattern(), Keyword.Reserved),
            (p.NAME, Name),
            (r".", Text),
        ],
    }
