"""Editor support for rule files: a Pygments lexer, a TextMate grammar, a language server.

Everything here is derived from the Lark grammar (``hemicycle/grammar/elect.lark``), so that it
cannot drift from the language: see ``vocabulary``.
"""
