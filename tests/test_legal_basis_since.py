"""legal-basis-since says why a `since` cell is empty (issue 22, the cosmetic list): a recorded
knowledge gap about the year, else that the sources give none; the reason is in the answer,
not only in the query's header."""

from __future__ import annotations

from pathlib import Path

import netkg

CASE = Path(__file__).parent / "legal-basis" / "gap-about-the-year.ttl"
MUNICIPALITY = "https://w3id.org/netkg/synthetic/legal-basis/municipality"


def test_an_empty_since_names_the_recorded_gap():
    kg = netkg.load_graph([CASE])
    rows = {
        str(r["municipality"]): (r["since"], str(r["sinceNote"]))
        for r in kg.query("legal-basis-since").records()
    }
    assert rows[MUNICIPALITY] == (
        None,
        "recorded gap: When the committee was set up is unknown",
    )


def test_the_reason_is_in_the_printed_answer(kg):
    text = kg.query("legal-basis-since", lang="da").serialize("csv")
    furesoe = next(line for line in text.splitlines() if line.startswith("mun:furesoe"))
    assert furesoe == (
        'mun:furesoe,Furesø Kommune,"Styrelseslovens § 17, stk. 4",,Udviklingsudvalg,1,'
        "intet år: kilderne oplyser hverken vedtagelses- eller startår"
    )
