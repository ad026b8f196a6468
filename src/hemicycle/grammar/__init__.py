"""The rule language: the Lark grammar (``elect.lark``) and the parser that builds the model."""

from hemicycle.grammar.parser import load_rules, parse_rules

__all__ = ["load_rules", "parse_rules"]
