"""hemicycle's JSON vote files read into the raw records every format fills (see ``hemicycle.votes``
for the format)."""

from __future__ import annotations

from typing import Any

from hemicycle.election import TOTALS
from hemicycle.figures import (
    CHECK_FIGURES,
    REPORTED_BASES,
    Raw,
    Reported,
    Row,
    read_district_data,
)
from hemicycle.reading import (
    MAX_LISTS,
    BadValue,
    VoteFileError,
    decimals,
    did_you_mean,
    json_int,
    kind,
    percent,
    render_path,
    strict_json,
)
from hemicycle.vote_fields import (
    DATE,
    JSON_KEYS,
    PARTY_INT_FIELDS,
    styles,
    tag_name,
)

# --- JSON ----------------------------------------------------------------------------------------


def _json_where(path: tuple[str | int, ...]) -> tuple[int | None, str | None]:
    """Row and field of a JSON path: ``("parties", 2, "tags")`` is row 3, field tags."""
    if len(path) >= 2 and path[0] == "parties" and isinstance(path[1], int):
        return path[1] + 1, render_path(path[2:]) or None
    return None, render_path(path) or None


def parse_json(text: str, file: str) -> Raw:
    data = strict_json(text, file, _json_where)
    if not isinstance(data, dict):
        raise VoteFileError(
            file,
            f'the top level must be an object with "election", "parties" and "totals", '
            f"not {kind(data)}",
        )
    JSON_KEYS["top"].check(data, file)
    raw = Raw()
    raw.given = set(data)
    if "districts" in data:
        read_district_data(data, file, raw)
    name = data.get("election", "")
    if name is not None and not isinstance(name, str):
        raise VoteFileError(file, f"expected a string, got {kind(name)}", field="election")
    raw.name = name or ""
    date = data.get("date")
    if date is not None and not (isinstance(date, str) and DATE.fullmatch(date)):
        raise VoteFileError(file, f"expected the election day as YYYY-MM-DD, got {kind(date)}", field="date")

    complete = data.get("parties_complete", True)
    if not isinstance(complete, bool):
        raise VoteFileError(
            file, f"expected true or false, got {kind(complete)}", field="parties_complete"
        )
    raw.complete = complete

    if "totals" in data:
        _json_totals(data["totals"], file, raw)
    if "substitutes" in data:
        _json_substitutes(data["substitutes"], file, raw)

    if "parties" not in data:
        raise VoteFileError(file, 'no "parties" array: the file gives no lists')
    parties = data["parties"]
    if not isinstance(parties, list):
        raise VoteFileError(file, f"expected an array, got {kind(parties)}", field="parties")
    if not parties and "units" not in raw.extra:
        raise VoteFileError(file, "empty: the file gives no lists", field="parties")
    if len(parties) > MAX_LISTS:
        raise VoteFileError(file, f"{len(parties):,} lists, more than hemicycle allocates at once "
                                  f"(at most {MAX_LISTS:,})", field="parties")
    for index, party in enumerate(parties, start=1):
        raw.add_row(_json_party(party, index, file), file)
    _json_election_extras(data, file, raw)
    return raw


def _json_totals(totals: object, file: str, raw: Raw) -> None:
    if not isinstance(totals, dict):
        raise VoteFileError(file, f"expected an object, got {kind(totals)}", field="totals")
    JSON_KEYS["totals"].check(totals, file, prefix="totals.")
    for key, value in totals.items():
        if key not in TOTALS and key not in CHECK_FIGURES:
            continue  # documentation, the turnout (read below) and free data
        if value is None:
            continue  # unknown
        try:
            number = json_int(value)
        except BadValue as bad:
            raise VoteFileError(
                file, f"must be a non-negative integer or null: {bad.message}",
                field=f"totals.{key}",
            ) from None
        (raw.totals if key in TOTALS else raw.checks)[key] = number
        raw.origins[key] = (None, f"totals.{key}")
    turnout = totals.get("turnout_percent_reported")
    if turnout is not None:
        where = "totals.turnout_percent_reported"
        try:
            raw.turnout = Reported(percent(turnout), decimals(turnout), (None, where))
        except BadValue as bad:
            raise VoteFileError(file, bad.message, field=where) from None


def _json_substitutes(subs: object, file: str, raw: Raw) -> None:
    if subs is None:
        return
    if not isinstance(subs, dict):
        raise VoteFileError(file, f"expected an object, got {kind(subs)}", field="substitutes")
    known = ", ".join(TOTALS)
    for key, value in subs.items():
        where = f"substitutes.{key}"
        if key not in TOTALS:
            raise VoteFileError(file, f'unknown total "{key}"{did_you_mean(key, TOTALS)}; known: {known}',
                                field=where)
        if not isinstance(value, str) or value not in TOTALS:
            shown = f'"{value}"' if isinstance(value, str) else kind(value)
            raise VoteFileError(
                file, f"must name a total ({known}), not {shown}", field=where
            )
        if value == key:
            raise VoteFileError(file, f'"{key}" cannot stand in for itself', field=where)
        if key in raw.totals:
            raise VoteFileError(
                file,
                f"the file gives {key} = {raw.totals[key]}; a substitute for it would never "
                "be used",
                field=where,
            )
        raw.substitutes[key] = value


def _json_party(party: object, row: int, file: str) -> Row:
    if not isinstance(party, dict):
        raise VoteFileError(file, f"expected an object, got {kind(party)}", row=row)
    JSON_KEYS["party"].check(party, file, row=row)

    abbr = party.get("abbr")
    if abbr is None:
        raise VoteFileError(file, "missing", row=row, field="abbr")
    if not isinstance(abbr, str):
        raise VoteFileError(file, f"expected a string, got {kind(abbr)}", row=row, field="abbr")
    abbr = abbr.strip()
    if not abbr:
        raise VoteFileError(file, "empty: every list needs an abbr", row=row, field="abbr")

    name = party.get("name")
    if name is not None and not isinstance(name, str):
        raise VoteFileError(file, f"expected a string, got {kind(name)}", row=row, field="name")

    if "votes" not in party or party["votes"] is None:
        raise VoteFileError(file, f"missing for {abbr}", row=row, field="votes")
    try:
        votes = json_int(party["votes"])
    except BadValue as bad:
        raise VoteFileError(file, bad.message, row=row, field="votes") from None

    numbers: dict[str, int | None] = {}
    for key, minimum in (*PARTY_INT_FIELDS, ("seats", 0)):
        value = party.get(key)
        if value is None:
            numbers[key] = None
            continue
        try:
            numbers[key] = json_int(value, minimum=minimum)
        except BadValue as bad:
            raise VoteFileError(file, bad.message, row=row, field=key) from None

    return Row(
        row=row,
        abbr=abbr,
        votes=votes,
        name=name or "",
        registration_order=numbers["registration_order"],
        ballot_order=numbers["ballot_order"],
        list_size=numbers["list_size"],
        official_seats=numbers["seats"],
        tags=_json_tags(party, row, file),
        extra=_json_party_extras(party, row, file),
        reported=_json_reported(party, row, file),
    )


def _json_tags(party: dict[str, Any], row: int, file: str) -> frozenset[str]:
    tags: set[str] = set()
    raw_tags = party.get("tags")
    if raw_tags is not None:
        if not isinstance(raw_tags, list):
            raise VoteFileError(
                file, f"expected an array of strings, got {kind(raw_tags)}", row=row,
                field="tags",
            )
        for tag in raw_tags:
            if not isinstance(tag, str):
                raise VoteFileError(
                    file, f"expected a string, got {kind(tag)}", row=row, field="tags"
                )
            try:
                tags.add(tag_name(tag))
            except BadValue as bad:
                raise VoteFileError(file, bad.message, row=row, field="tags") from None

    minority = party.get("minority")
    if minority is not None and not isinstance(minority, bool):
        raise VoteFileError(
            file, f"expected true, false or null, got {kind(minority)}", row=row,
            field="minority",
        )
    if minority:
        tags.add("minority")

    size = party.get("coalition_size")
    if size is not None:
        try:
            k = json_int(size, minimum=1)
        except BadValue as bad:
            raise VoteFileError(
                file, f"{bad.message} (the number of parties on the list: 1 for a single party)",
                row=row, field="coalition_size",
            ) from None
        if k >= 2:
            tags.update(("coalition", "coalition_2_3" if k <= 3 else "coalition_4_plus"))
    return frozenset(tags)


def _json_reported(party: dict[str, Any], row: int, file: str) -> dict[str, Reported]:
    """The party's published shares by base: ``reported_shares`` {base: percent} and the bundled
    data's ``reported_percent_of_registered`` (``reported_percent`` is read with the file's base)."""
    shares: dict[str, Reported] = {}
    reported = party.get("reported_shares")
    if reported is not None:
        if not isinstance(reported, dict):
            raise VoteFileError(file, f"expected an object, got {kind(reported)}", row=row,
                                field="reported_shares")
        for base, value in reported.items():
            where = f"reported_shares.{base}"
            if base not in REPORTED_BASES:
                raise VoteFileError(file, f'unknown base "{base}"{did_you_mean(base, REPORTED_BASES)}; known: '
                                          f'{", ".join(REPORTED_BASES)}', row=row, field=where)
            shares[base] = _reported(value, row, where, file)
    of_registered = party.get("reported_percent_of_registered")
    if of_registered is not None:
        where = "reported_percent_of_registered"
        if "registered_voters" in shares:
            raise VoteFileError(file, "the share of registered voters is also in reported_shares", row=row,
                                field=where)
        shares["registered_voters"] = _reported(of_registered, row, where, file)
    return shares


def _reported(value: object, row: int, where: str, file: str) -> Reported:
    try:
        return Reported(percent(value), decimals(value), (row, where))
    except BadValue as bad:
        raise VoteFileError(file, bad.message, row=row, field=where) from None


def _json_party_extras(party: dict[str, Any], row: int, file: str) -> dict[str, Any]:
    """The party keys for mixed-member, regional and alliance rules: ``district_seats``,
    ``regional_votes`` {region: votes}, ``reported_regional_threshold`` (true/false) and
    ``combination`` (a name). (The reported shares are added by ``_json_election_extras``.)"""
    extra: dict[str, Any] = {}
    size = party.get("coalition_size")
    if size is not None:
        extra["coalition_size"] = json_int(size, minimum=1)  # checked with the tags
    seats = party.get("district_seats")
    if seats is not None:
        try:
            extra["district_seats"] = json_int(seats)
        except BadValue as bad:
            raise VoteFileError(file, bad.message, row=row, field="district_seats") from None
    regional = party.get("regional_votes")
    if regional is not None:
        if not isinstance(regional, dict):
            raise VoteFileError(file, f"expected an object, got {kind(regional)}", row=row,
                                field="regional_votes")
        votes: dict[str, int] = {}
        for region, value in regional.items():
            try:
                votes[region] = json_int(value)
            except BadValue as bad:
                raise VoteFileError(file, bad.message, row=row, field=f"regional_votes.{region}") from None
        extra["regional_votes"] = votes
    outcome = party.get("reported_regional_threshold")
    if outcome is not None:
        if not isinstance(outcome, bool):
            raise VoteFileError(file, f"expected true, false or null, got {kind(outcome)}", row=row,
                                field="reported_regional_threshold")
        extra["reported_regional"] = outcome
    combination = party.get("combination")
    if combination is not None:
        if not isinstance(combination, str) or not combination.strip():
            raise VoteFileError(file, f"expected a name, got {kind(combination)}", row=row,
                                field="combination")
        extra["combination"] = combination.strip()
    extra.update(styles(party, file, row))
    return extra


def _json_election_extras(data: dict[str, Any], file: str, raw: Raw) -> None:
    """``agreements`` (arrays of abbrs), ``regions`` ({region: {total: figure}}) and the
    ``reported_percent`` of each party, a share of ``reported_percent_base``."""
    _json_agreements(data.get("agreements"), file, raw)
    regions = data.get("regions")
    if regions is not None:
        if not isinstance(regions, dict):
            raise VoteFileError(file, f"expected an object, got {kind(regions)}", field="regions")
        for region, totals in regions.items():
            if not isinstance(totals, dict):
                raise VoteFileError(file, f"expected an object of totals, got {kind(totals)}",
                                    field=f"regions.{region}")
            JSON_KEYS["region"].check(totals, file, prefix=f"regions.{region}.")
            figures: dict[str, int] = {}
            for key, value in totals.items():
                if key not in TOTALS or value is None:
                    continue
                try:
                    figures[key] = json_int(value)
                except BadValue as bad:
                    raise VoteFileError(file, bad.message, field=f"regions.{region}.{key}") from None
            raw.regions[region] = figures
    base = data.get("reported_percent_base")
    if base is not None and base not in REPORTED_BASES:
        shown = f'"{base}"' if isinstance(base, str) else kind(base)
        raise VoteFileError(file, f"unknown base {shown}; known: {', '.join(REPORTED_BASES)}",
                            field="reported_percent_base")
    for row, party in zip(raw.rows, data["parties"], strict=True):
        value = party.get("reported_percent")
        if value is not None:
            if base is None:
                raise VoteFileError(file, 'a share of what? the file gives no "reported_percent_base"',
                                    row=row.row, field="reported_percent")
            if base in row.reported:
                raise VoteFileError(file, f"the share of {base} is also in reported_shares", row=row.row,
                                    field="reported_percent")
            row.reported[base] = _reported(value, row.row, "reported_percent", file)
        if row.reported:
            row.extra["reported_shares"] = {b: r.share for b, r in row.reported.items()}
    for row in raw.rows:
        for region in row.extra.get("regional_votes", {}):
            if region not in raw.regions:
                raise VoteFileError(file, f'"{region}" is not in the file\'s "regions"'
                                          f"{did_you_mean(region, raw.regions)}", row=row.row,
                                    field=f"regional_votes.{region}")


def _json_agreements(agreements: object, file: str, raw: Raw) -> None:
    if agreements is None:
        return
    abbrs = {r.abbr for r in raw.rows}
    if not isinstance(agreements, list):
        raise VoteFileError(file, f"expected an array, got {kind(agreements)}", field="agreements")
    joined: dict[str, int] = {}
    for k, group in enumerate(agreements, start=1):
        where = f"agreements[{k}]"
        if not isinstance(group, list) or len(group) < 2 or not all(isinstance(a, str) for a in group):
            raise VoteFileError(file, "an agreement is an array of two or more list abbrs", field=where)
        for a in group:
            if a not in abbrs:
                raise VoteFileError(file, f'"{a}" is not a list in this file{did_you_mean(a, abbrs)}',
                                    field=where)
            if a in joined:
                raise VoteFileError(file, f'"{a}" is already in agreement {joined[a]}', field=where)
            joined[a] = k
        raw.agreements.append(tuple(group))
