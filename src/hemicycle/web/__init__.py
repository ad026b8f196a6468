"""The workbench: hemicycle in a browser (``hemicycle serve``; optional extra ``[web]``).

One page, served from this machine, with every asset inside the package (it works offline): an
editor for a rule file with the language server's diagnostics, completions and hovers, votes
from a bundled election, an uploaded file or a typed table, the seats, arch and protocol as you
type, comparisons, verifications and downloads.

Modules: ``inputs`` (what the page sends, read as the CLI reads it), ``tasks`` (what it asks for,
computed with the Python API), ``workers`` (the processes that compute it), ``app`` (the Starlette
application), ``server`` (``hemicycle serve``); ``static/`` holds the page. Nothing outside this
package imports it but the CLI's ``serve`` command.
"""
