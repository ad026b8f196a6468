"""The options of the command line, each declared once: its name, short name, words and bounds.

A command names the options it takes by these types (``parties: ComparePartiesOption =
COMPARE_PARTIES``); the default stays in the command's signature, next to the option. The
command line (``cli.py``) imports from here; nothing here imports the command line.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class TableFormat(str, Enum):
    """The outputs of ``allocate`` and ``compare``: a terminal table, machine formats, and tables
    to publish (``hemicycle.tables``)."""

    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    latex = "latex"


class UncertaintyModel(str, Enum):
    dirichlet = "dirichlet"
    normal = "normal"


class ArchOrder(str, Enum):
    position = "position"
    size = "size"
    file = "file"


class Engine(str, Enum):
    auto = "auto"
    dask = "dask"
    processes = "processes"
    inline = "inline"


# --- options shared by several commands: the same name, words and default everywhere --------------

FORMAT_HELP = "table: for people; json, csv: for programs; markdown, latex: tables to publish."
TOTAL_HELP = ("A total the vote file lacks, NAME=N (invalid, ballots_cast, valid, registered, against_all). "
              "Repeatable.")
CONTEST_HELP = "The contest to read from a NIST 1500-100 or EML vote file that has several."
QUIET_HELP = "No progress on stderr (there is none either when stderr is not a terminal)."
RULES_HELP = "Rule file, or the name of a bundled one (hemicycle list)."
VOTES_HELP = "Vote file (JSON, CSV, NIST 1500-100, EML 510), or the name of a bundled election."
PARTIES_HELP = "Number of lists in the symbolic elections."
TIMEOUT_HELP = "Seconds per property (then UNKNOWN)."
MODEL_HELP = "How simulated votes vary: dirichlet around the shares, or normal with --se."
CONCENTRATION_HELP = "Dirichlet concentration: larger, closer to the actual shares."
SEED_HELP = "Seed of the simulations (the same seed, the same simulations)."
TableFormatOption = Annotated[TableFormat, typer.Option("--format", "-f", help=FORMAT_HELP)]
TotalOption = Annotated[list[str] | None, typer.Option("--total", metavar="NAME=N", help=TOTAL_HELP)]
ContestOption = Annotated[str | None, typer.Option("--contest", metavar="NAME", help=CONTEST_HELP)]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", metavar="", help=QUIET_HELP)]
SetOption = Annotated[list[str] | None, typer.Option(
    "--set", metavar="NAME=VALUE", help="A value for a parameter of the rule file(s) (e.g. threshold=5%). "
                                        "Repeatable.")]
# the simulations of compare and sweep
ModelOption = Annotated[UncertaintyModel, typer.Option("--model", help=MODEL_HELP)]
ConcentrationOption = Annotated[float, typer.Option("--concentration", min=1.0, metavar="C",
                                                    help=CONCENTRATION_HELP)]
SeedOption = Annotated[int, typer.Option("--seed", metavar="N", help=SEED_HELP)]

# --- compare -------------------------------------------------------------------------------------

CompareRulesArgument = Annotated[list[str], typer.Argument(metavar="RULES", help="Rule files or bundled names, "
                                                                                 "one per system.")]
CompareVotesOption = Annotated[list[str], typer.Option("--votes", "-v", metavar="VOTES",
                                                       help=VOTES_HELP + " Once for all systems, or once per "
                                                                         "system in order (the same lists).")]
LabelOption = Annotated[list[str] | None, typer.Option(
    "--label", "-l", metavar="LABEL", help="The name of a system for people, in the order of RULES "
                                          "(repeatable; default: the rule file's label, else its file "
                                          "name).")]
HtmlOption = Annotated[Path | None, typer.Option("--html", metavar="FILE",
                                                 help="Write a self-contained HTML report.")]
PicturesOption = Annotated[Path | None, typer.Option(
    "--pictures", metavar="FOLDER", help="Write the pictures as SVG files into FOLDER: the parliaments "
                                         "and each --curve.")]
PngOption = Annotated[bool, typer.Option("--png", metavar="", help="With --pictures, a PNG next to each SVG "
                                                                  "(needs the [plot] extra).")]
ArchOrderOption = Annotated[ArchOrder, typer.Option(
    "--order", help="Lists in the parliaments from left to right: by political position (the vote file's "
                    "or the bundled palette's, else by size), by size, or in the order of the vote "
                    "file.")]
IndicesCsvOption = Annotated[Path | None, typer.Option(
    "--indices-csv", metavar="FILE", help="Write the indices as tidy CSV (one row per system and "
                                          "index); --format csv writes the seats.")]
ComparePropertiesOption = Annotated[bool, typer.Option("--properties/--no-properties", metavar="",
                                                       help="Check the catalogue properties with Z3 "
                                                            "(cached).")]
ComparePartiesOption = Annotated[int, typer.Option("--parties", "-n", min=2, max=8, metavar="N",
                                                   help=PARTIES_HELP + " Fewer than verify's 5 by default: the "
                                                        "catalogue runs for every system.")]
PropertyTimeoutOption = Annotated[float, typer.Option("--property-timeout", min=0.1, metavar="SECONDS",
                                                      help=TIMEOUT_HELP)]
CurveOption = Annotated[list[str] | None, typer.Option("--curve", metavar="ABBR", help="Exact seat-vote curve of "
                                                                                      "a list (repeatable).")]
SwingOption = Annotated[list[str] | None, typer.Option(
    "--swing", metavar="ABBR=CHANGE", help="Vote change before allocating: ABBR=+2% (points of the list "
                                           "votes, others in proportion) or ABBR=-5000 (votes). "
                                           "Repeatable.")]
MarginsOption = Annotated[bool, typer.Option("--margins", metavar="", help="Votes each list must gain (or may "
                                                                          "lose) to change its seats.")]
CompareSimulateOption = Annotated[int, typer.Option("--simulate", min=0, metavar="N",
                                                    help="Simulated elections for the seat distribution (e.g. "
                                                         "1000000).")]
StandardErrorOption = Annotated[list[str] | None, typer.Option(
    "--se", metavar="ABBR=SE", help="Standard error of a list's share for --model normal, ABBR=0.01 "
                                    "(repeatable).")]

# --- sweep ---------------------------------------------------------------------------------------

SweepRulesArgument = Annotated[list[str], typer.Argument(metavar="RULES", help="Rule files or bundled names "
                                                                               "(families with parameters).")]
SweepVotesOption = Annotated[list[str] | None, typer.Option("--votes", "-v", metavar="VOTES",
                                                            help="Vote files or bundled elections (repeatable, "
                                                                 "or a,b,c).")]
GridOption = Annotated[list[str] | None, typer.Option(
    "--grid", "-g", metavar="NAME=VALUES", help="Values of a parameter: NAME=a,b,c or NAME=LOW..HIGH/STEP "
                                                "(repeatable); a parameter left out takes every value it "
                                                "declares.")]
FixOption = Annotated[list[str] | None, typer.Option("--set", metavar="NAME=VALUE",
                                                     help="Fix a parameter (repeatable).")]
SweepPropertiesOption = Annotated[list[str] | None, typer.Option(
    "--properties", "-p", metavar="NAMES", help="Catalogue properties to check for every variant "
                                                "(repeatable, or a,b; 'all').")]
SweepPartiesOption = Annotated[int, typer.Option("--parties", "-n", min=1, max=50, metavar="N",
                                                 help=PARTIES_HELP)]
SweepTimeoutOption = Annotated[float, typer.Option("--timeout", min=0.1, metavar="SECONDS",
                                                   help="Seconds per property and variant (then UNKNOWN).")]
SweepSimulateOption = Annotated[int, typer.Option("--simulate", min=0, metavar="N",
                                                  help="Simulated elections around each real one, per "
                                                       "variant.")]
SchedulerOption = Annotated[str | None, typer.Option(
    "--scheduler", metavar="ADDRESS", help="Address of a Dask scheduler (tcp://host:8786); default: a "
                                           "LocalCluster.")]
WorkersOption = Annotated[int, typer.Option("--workers", "-w", min=1, metavar="N",
                                            help="Local workers (LocalCluster or processes).")]
EngineOption = Annotated[Engine, typer.Option("--engine", help="auto: Dask if installed, else local "
                                                               "processes.")]
SweepOutOption = Annotated[Path | None, typer.Option(
    "--out", "-o", metavar="FOLDER", help="Folder for results.json, results.csv, results.parquet, "
                                          "report.html and the heat maps.")]
SweepFormatOption = Annotated[Format, typer.Option("--format", "-f", help="What to print on stdout: table: for "
                                                                          "people; json, csv: for programs.")]
CacheOption = Annotated[Path | None, typer.Option(
    "--cache", metavar="FOLDER", help="Results cache (default: OUT/cache, or the user cache "
                                      "folder).")]
NoCacheOption = Annotated[bool, typer.Option("--no-cache", metavar="", help="Compute everything afresh.")]
