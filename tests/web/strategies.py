"""Hypothesis strategies for what a hostile visitor sends: titles, months, ids, query strings,
form fields and tokens. Each mixes plausible values (so the code behind the check is reached)
with the nasty ones (markup, control and right-to-left characters, huge numbers, Unicode digits,
out-of-range months, path tricks)."""

from __future__ import annotations

from hypothesis import strategies as st

NASTY = [
    "", " ", "_", "__init__", "-", "--", "../", "..%2f", "%00", "\x00", "\r\n", "\u202e",
    "\u200b", "<script>alert(1)</script>", "' OR 1=1 --", '"', "{{ 7*7 }}", "{% debug %}",
    "[/bold]", "NaN", "inf", "-1", "0", "٣", "²", "1e309", "9" * 40, "ǅ", "ß", "İ", "🦀",
    "a" * 300,
]  # fmt: skip

nasty = st.sampled_from(NASTY)

hostile_text = st.one_of(
    nasty,
    st.text(max_size=80),
    st.lists(st.one_of(nasty, st.text(max_size=10)), max_size=6).map("_".join),
)

months = st.one_of(
    st.sampled_from(["2026-11", "2026-10", "2026-13", "2026-00", "9999-12", "0001-01",
                     "1000-06", "2026-1", "26-11", "2026-11-01", "２０２６-１１", "٢٠٢٦-١١"]),
    st.builds("{:04d}-{:02d}".format, st.integers(0, 9999), st.integers(0, 99)),
    hostile_text,
)  # fmt: skip

ids = st.one_of(
    st.sampled_from(["1", "2", "3", "999999", "0", "-1", "1.5", "1e3", "٣", "²", "0x10",
                     "9" * 19, "9" * 40, " 1", "1 "]),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    hostile_text,
)  # fmt: skip

tokens = st.one_of(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_:.",
            max_size=120),
    hostile_text,
)  # fmt: skip

FIELDS = ["month", "item", "step", "decision", "sector", "type", "text", "foreword", "title",
          "body", "remove", "q", "from", "to", "publisher", "status", "next", "username",
          "password", "email", "role", "name", "organisation", "sectors", "website", "paused",
          "List-Unsubscribe", "fmt"]  # fmt: skip

field_values = st.one_of(months, ids, hostile_text, st.sampled_from(
    ["accepted", "rejected", "pending", "adult-care", "children", "justice", "out", "report",
     "briefing", "1", "-1", "2026-01-01", "editor", "admin", "One-Click", "on"]))  # fmt: skip

form_data = st.dictionaries(
    st.one_of(st.sampled_from(FIELDS), hostile_text), field_values, max_size=6
)
query_strings = st.dictionaries(st.sampled_from(FIELDS), field_values, max_size=4)
