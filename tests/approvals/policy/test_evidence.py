from approvals.policy.evidence import pieces


def m(start, end, domain="d", field="description"):
    return {"start": start, "end": end, "domain": domain, "field": field}


def test_pieces_mark_exactly_the_matched_spans():
    text = "we post fake reviews daily"
    out = pieces(text, [m(8, 20, "astroturfing")], "description")
    assert [(p.text, p.domains) for p in out] == [
        ("we post ", ()),
        ("fake reviews", ("astroturfing",)),
        (" daily", ()),
    ]
    assert "".join(p.text for p in out) == text


def test_overlapping_spans_merge_and_name_both_domains():
    out = pieces("abcdefgh", [m(1, 4, "x"), m(3, 6, "y")], "description")
    assert [(p.text, p.domains) for p in out] == [("a", ()), ("bcdef", ("x", "y")), ("gh", ())]


def test_spans_of_other_fields_and_out_of_range_are_ignored():
    out = pieces("short", [m(0, 3, field="title"), m(2, 99)], "description")
    assert [(p.text, p.marked) for p in out] == [("short", False)]
