"""``fews screen``: bulk legal screening of a catalogue to Parquet (see :mod:`fews.screen`)."""

from __future__ import annotations

import datetime as dt
import os

import click

__all__ = ["screen_command"]


@click.command("screen")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="Parquet file to write")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True)
@click.option("--scheduler", "scheduler", default=None, metavar="ADDRESS", help="existing Dask scheduler (tcp://...)")
@click.option("--workers", type=int, default=None, help="local Dask cluster: worker processes (default: cores)")
@click.option("--as-of", "as_of", default=None, metavar="DATE", help="date of the legal decisions (default today)")
@click.option("--chunk-size", type=int, default=2000, show_default=True, help="structures per task and row group")
@click.option(
    "--input-format", "input_format", type=click.Choice(["smi", "sdf", "parquet"]), default=None,
    help="default: from the file extension",
)  # fmt: skip
@click.option("--smiles-column", default="smiles", show_default=True, help="Parquet input: SMILES column")
@click.option("--id-column", default="id", show_default=True, help="Parquet column or SDF data item holding the id")
def screen_command(
    file: str,
    out: str,
    engine: str,
    scheduler: str | None,
    workers: int | None,
    as_of: str | None,
    chunk_size: int,
    input_format: str | None,
    smiles_column: str,
    id_column: str,
) -> None:
    """UK legal status of every structure in a large catalogue (SMILES lines, SDF or Parquet), as Parquet.

    One output row per input structure with the `fews classify` fields; invalid structures are kept
    with status `invalid` and the reason. Prints one JSON summary on stdout.
    """
    from fews.cli import UsageFailure, _legal_overlay
    from fews.output import to_json
    from fews.screen import screen
    from fews.screen_input import detect_catalogue_format, iter_catalogue
    from intake.pipeline import london_today

    try:
        day = dt.date.fromisoformat(as_of) if as_of else london_today()
    except ValueError:
        raise UsageFailure(f"--as-of must be an ISO date (YYYY-MM-DD), got {as_of!r}") from None
    if scheduler and engine != "dask":
        raise UsageFailure("--scheduler needs --engine dask")
    if chunk_size < 1 or (workers is not None and workers < 1):
        raise UsageFailure("--chunk-size and --workers must be positive integers")
    if not os.path.isfile(file):
        raise UsageFailure(f"cannot read {file!r}: no such file")
    try:
        fmt = input_format or detect_catalogue_format(file)
    except ValueError as exc:
        raise UsageFailure(str(exc)) from None
    if fmt == "parquet":
        import pyarrow.parquet as pq

        try:
            names = pq.ParquetFile(file).schema_arrow.names
        except Exception as exc:  # pyarrow raises several types for a file that is not Parquet
            raise UsageFailure(f"cannot read {file!r} as Parquet: {exc}") from None
        if smiles_column not in names:
            raise UsageFailure(f"{file!r} has no column {smiles_column!r}; columns: {', '.join(names)}")
    overlay = _legal_overlay()
    items = iter_catalogue(file, fmt=fmt, smiles_column=smiles_column, id_column=id_column)
    summary = screen(
        items,
        out,
        as_of=day,
        engine=engine,
        scheduler=scheduler,
        workers=workers,
        chunk_size=chunk_size,
        overlay=overlay,
    )
    click.echo(to_json(summary.as_dict()))
