"""Sweeps: whole families of electoral systems against many elections, on one machine or a cluster.

    from hemicycle.sweep import SweepSpec, run_sweep, make_engine
    spec = build_spec(["kazakhstan-2021-family"], votes=["kazakhstan-2021"], grid={"threshold": "3%..10%/0.5%"})
    result = run_sweep(spec, make_engine("dask", workers=2), Cache(folder))
    result.rows   # the tidy table: one row per (variant, election, measure, subject)

``spec`` (what to compute), ``tasks`` (units of work and the function workers run), ``engines``
(inline, local processes, Dask), ``cache`` (results by content), ``run`` (plan and run),
``table`` (rows, JSON, CSV, Parquet), ``report`` and ``heatmap`` (HTML, SVG). The command line's
``hemicycle sweep`` is a thin layer over ``build_spec``, ``run_sweep`` and ``write_outputs``.
"""

from hemicycle.sweep.build import SweepInputError, build_spec, write_outputs
from hemicycle.sweep.cache import Cache
from hemicycle.sweep.engines import EngineError, make_engine
from hemicycle.sweep.run import SweepResult, plan, run_sweep
from hemicycle.sweep.spec import ElectionInput, Simulation, SweepSpec, Variant, Verification

__all__ = [
    "Cache",
    "ElectionInput",
    "EngineError",
    "Simulation",
    "SweepInputError",
    "SweepResult",
    "SweepSpec",
    "Variant",
    "Verification",
    "build_spec",
    "make_engine",
    "plan",
    "run_sweep",
    "write_outputs",
]
