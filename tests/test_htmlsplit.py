"""Splitting long Telegram HTML into messages that are each valid and short enough."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.htmlsplit import TELEGRAM_LIMIT, split_html, visible_length, visible_text

ALLOWED_TAGS = {"b", "i", "u", "s", "code", "pre", "a", "blockquote", "tg-spoiler"}


class _TagChecker(HTMLParser):
    """Collects problems with one part: unbalanced or unknown tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"unknown <{tag}>")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.problems.append(f"unmatched </{tag}>")


def assert_valid_parts(parts: list[str], limit: int) -> None:
    """Every part fits, is balanced, is not blank and has no surrounding whitespace."""
    for part in parts:
        assert len(part) <= limit
        assert part == part.strip()
        assert visible_text(part).strip()
        checker = _TagChecker()
        checker.feed(part)
        checker.close()
        assert checker.problems == []
        assert checker.stack == []


def assert_same_text(html: str, parts: list[str]) -> None:
    """The parts show the input's text in order, losing only whitespace where they were cut."""
    whole = visible_text(html)
    position = 0
    for part in parts:
        shown = visible_text(part).strip()
        found = whole.find(shown, position)
        assert found >= 0, shown
        assert whole[position:found].strip() == ""
        position = found + len(shown)
    assert whole[position:].strip() == ""


# --- sizes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("size", "count"), [(99, 1), (100, 1), (101, 2), (200, 2), (201, 3)])
def test_boundary_sizes_without_spaces(size: int, count: int) -> None:
    parts = split_html("x" * size, limit=100)
    assert len(parts) == count
    assert "".join(parts) == "x" * size
    assert_valid_parts(parts, 100)


def test_default_limit_is_telegrams() -> None:
    assert TELEGRAM_LIMIT == 4096
    assert split_html("x" * 4096) == ["x" * 4096]
    assert [len(p) for p in split_html("x" * 4097)] == [4096, 1]


@pytest.mark.parametrize("size", [99, 100, 101, 200])
def test_boundary_sizes_with_words(size: int) -> None:
    text = ("word " * 100)[:size].strip()
    parts = split_html(text, limit=100)
    assert len(parts) == (1 if len(text) <= 100 else 2)
    assert " ".join(parts).split() == text.split()  # cut between words only
    assert_valid_parts(parts, 100)


@pytest.mark.parametrize("blank", ["", " ", "\n \n\t", "<b> </b>"])
def test_blank_input_gives_no_parts(blank: str) -> None:
    assert split_html(blank, limit=50) == []


def test_short_input_is_returned_stripped() -> None:
    assert split_html("\n  <b>hi</b> there \n", limit=50) == ["<b>hi</b> there"]


# --- where to cut ----------------------------------------------------------------------------


def test_entries_stay_whole_when_they_fit() -> None:
    entries = [f"<b>Entry {n}</b>\n<i>line one</i>\nline two of entry {n}" for n in range(12)]
    html = "\n\n".join(entries)
    parts = split_html(html, limit=120)
    assert_valid_parts(parts, 120)
    assert len(parts) == 6
    for part in parts:  # each part is whole entries
        assert set(part.split("\n\n")) <= set(entries)
    assert "\n\n".join(parts) == html


def test_a_blank_line_beats_a_later_line_break_and_a_line_break_beats_a_space() -> None:
    html = "first entry\n\nsecond line\nthird words go on and on"
    assert split_html(html, limit=40) == ["first entry", "second line\nthird words go on and on"]
    assert split_html("aaa bbb\nccc ddd eee", limit=14) == ["aaa bbb", "ccc ddd eee"]


def test_a_blank_line_next_to_tags_is_still_an_entry_boundary() -> None:
    html = "<blockquote>first entry, some words</blockquote>\n\n<blockquote>second entry</blockquote>"
    assert split_html(html, limit=60) == [
        "<blockquote>first entry, some words</blockquote>",
        "<blockquote>second entry</blockquote>",
    ]
    # A blank line inside an element: the element is closed and re-opened around the cut, and
    # the next part does not start with an empty element.
    assert split_html("<i>one two\n\n</i><i>three four</i> five", limit=24) == [
        "<i>one two</i>",
        "<i>three four</i> five",
    ]


def test_an_entry_longer_than_the_limit_is_cut_between_words_then_characters() -> None:
    long_entry = " ".join(f"w{n:03d}" for n in range(60))  # 299 characters
    parts = split_html(f"short\n\n{long_entry}\n\n{'z' * 130}", limit=50)
    assert parts[0] == "short"
    words = [p for p in parts[1:] if p.startswith("w")]
    assert " ".join(words) == long_entry
    assert all(len(p) <= 50 for p in words)
    assert parts[-3:] == ["z" * 50, "z" * 50, "z" * 30]


# --- tags ------------------------------------------------------------------------------------


def test_bold_spanning_a_cut_is_closed_and_reopened() -> None:
    html = "<b>one two three four five six</b>"
    assert split_html(html, limit=20) == [
        "<b>one two three</b>",
        "<b>four five six</b>",
    ]


def test_link_is_reopened_with_its_href() -> None:
    href = '<a href="https://example.org/?q=1&amp;r=2">'
    parts = split_html(f"{href}read the whole recap here</a>", limit=61)
    assert parts == [f"{href}read the whole</a>", f"{href}recap here</a>"]
    assert_valid_parts(parts, 61)


def test_nested_tags_are_reopened_in_order() -> None:
    html = "<blockquote expandable><b>bold <i>and italic words here</i> end</b></blockquote>"
    parts = split_html(html, limit=65)
    assert parts == [
        "<blockquote expandable><b>bold <i>and italic</i></b></blockquote>",
        "<blockquote expandable><b><i>words here</i> end</b></blockquote>",
    ]


def test_no_empty_element_is_left_at_a_cut() -> None:
    # Cutting after the <b> would fit ("aaaaaaaaaa<b></b>") but leave an empty element.
    assert split_html("a" * 10 + "<b>bbbbb</b>", limit=17) == ["a" * 10, "<b>bbbbb</b>"]
    assert split_html("plain words <b>bold</b> more words", limit=16) == [
        "plain words",
        "<b>bold</b> more",
        "words",
    ]


def test_markup_too_big_for_the_limit_is_refused() -> None:
    with pytest.raises(ValueError):
        split_html('<a href="https://example.org/a/long/path">x</a>', limit=30)
    with pytest.raises(ValueError):
        split_html("x", limit=0)


# --- entities and characters -----------------------------------------------------------------


def test_entities_are_never_cut() -> None:
    html = "&lt;" * 100
    parts = split_html(html, limit=50)
    assert all(re.fullmatch(r"(&lt;)+", p) and len(p) <= 50 for p in parts)
    assert "".join(parts) == html
    assert [len(p) for p in parts[:2]] == [48, 48]


def test_numeric_entities_are_never_cut() -> None:
    html = "&#128512;" * 20
    parts = split_html(html, limit=40)
    assert all(re.fullmatch(r"(&#128512;)+", p) for p in parts)
    assert "".join(parts) == html


def test_a_pile_of_combining_marks_still_splits() -> None:
    html = "a" + "\u0301" * 60
    parts = split_html(html, limit=20)
    assert "".join(parts) == html and all(len(p) <= 20 for p in parts)


@pytest.mark.parametrize(
    "cluster",
    [
        "👍🏽",  # skin tone
        "👨\u200d👩\u200d👧\u200d👦",  # ZWJ family
        "🇩🇪",  # flag: two regional indicators
        "❤\ufe0f",  # variation selector
        "e\u0301",  # combining accent
        "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",  # subdivision flag
    ],
)
def test_characters_with_their_marks_are_never_cut(cluster: str) -> None:
    html = cluster * 30
    limit = len(cluster) * 4 + 1
    parts = split_html(html, limit=limit)
    assert all(p == cluster * (len(p) // len(cluster)) for p in parts)
    assert "".join(parts) == html


def test_emoji_and_right_to_left_text() -> None:
    html = "\u200fשלום עולם\u200f 👍🏽 <b>مرحبا بالعالم</b> 🇩🇪 \u200eend\u200e " * 6
    parts = split_html(html, limit=45)
    assert_valid_parts(parts, 45)
    assert_same_text(html, parts)


def test_visible_length() -> None:
    assert visible_length("<b>a &amp; b</b>") == 5
    assert visible_length('<a href="https://e.org/?a=1&amp;b=2">x</a>') == 1
    assert visible_length("&lt;3 &#128512; &#x1F600;") == 6
    assert visible_length("&nbsp;") == 6  # Telegram decodes only &lt; &gt; &amp; &quot;
    assert visible_length("a & b > c") == 9
    assert visible_text("<pre><code>x &lt; y</code></pre>") == "x < y"


def test_a_long_recap_splits_between_entries_under_telegrams_limit() -> None:
    entries = [
        f"<b>Tuesday {n}</b>\n<i>What felt heavy today?</i>\n"
        + " ".join(["I noticed that &lt;this&gt; &amp; that were hard, 💙"] * (n % 7 + 1))
        for n in range(200)
    ]
    html = "\n\n".join(entries)
    parts = split_html(html)
    assert len(parts) > 1
    assert_valid_parts(parts, TELEGRAM_LIMIT)
    assert "\n\n".join(parts) == html


# --- properties ------------------------------------------------------------------------------

WORDS = st.one_of(
    st.sampled_from(
        [
            "calm",
            "a&lt;b",
            "&lt;",
            "&gt;",
            "&amp;",
            "&quot;",
            "&#128512;",
            "&#x2764;",
            "👍🏽",
            "👨\u200d👩\u200d👧",
            "🇩🇪",
            "e\u0301",
            "\u200fשלום\u200f",
            "مرحبا",
            "R&D",
            "x>y",
        ]
    ),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12),
    st.text(alphabet="xyz", min_size=40, max_size=400),  # longer than many limits
)
SEPARATORS = st.sampled_from([" ", " ", " ", "\n", "\n\n", "", "  \n"])
TAGS = st.sampled_from(
    [
        ("<b>", "</b>"),
        ("<i>", "</i>"),
        ("<u>", "</u>"),
        ("<s>", "</s>"),
        ("<code>", "</code>"),
        ("<pre>", "</pre>"),
        ("<tg-spoiler>", "</tg-spoiler>"),
        ("<blockquote>", "</blockquote>"),
        ('<a href="https://e.org/?a&amp;b">', "</a>"),
        ("<a href='tg://user?id=1'>", "</a>"),
    ]
)


@st.composite
def fragments(draw: st.DrawFn, depth: int = 0, in_link: bool = False) -> str:
    """Words, entities and separators, with allowed tags nested up to three deep.

    Links are not nested in links (Telegram refuses that), which also keeps the markup around
    any character well under the smallest limit drawn.
    """
    pieces = []
    for _ in range(draw(st.integers(1, 6 - depth))):
        if depth < 3 and draw(st.integers(0, 3)) == 0:
            opening, closing = draw(TAGS.filter(lambda tag: not (in_link and tag[1] == "</a>")))
            inner = draw(fragments(depth + 1, in_link or closing == "</a>"))
            pieces.append(opening + inner + closing)
        else:
            pieces.append(draw(WORDS))
        pieces.append(draw(SEPARATORS))
    return "".join(pieces)


@settings(max_examples=200, deadline=None)
@given(html=fragments(), limit=st.integers(100, 300))
def test_any_markup_splits_into_valid_parts(html: str, limit: int) -> None:
    parts = split_html(html, limit=limit)
    assert_valid_parts(parts, limit)
    assert_same_text(html, parts)
    if len(html.strip()) <= limit:
        assert len(parts) <= 1


@settings(max_examples=100, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from(list("ab c\n&;<>é👍\u0301\u200d")), max_size=600),
    limit=st.integers(20, 120),
)
def test_any_plain_text_splits_without_losing_characters(text: str, limit: int) -> None:
    # Raw characters, including a bare & or > that Telegram keeps as text (no < here: the
    # templates escape it, and a bare < is invalid Telegram HTML).
    text = text.replace("<", "&lt;")
    parts = split_html(text, limit=limit)
    assert_valid_parts(parts, limit)
    assert_same_text(text, parts)
