"""Journey 5, the recap: flagged items lead, discussed ones leave, files can leave entries out.

The clock starts on Monday 2026-11-23 08:00 UTC (09:00 in Berlin).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.store import entries
from bot.store.entries import NewEntry
from tests.test_journey_answers import prompt_at_8pm
from tests.test_journey_reminders import onboarded


def visible(messages):
    return "\n".join(m.visible or "" for m in messages)


async def seed_notes(harness, user_id, texts, start, step=timedelta(minutes=30)):
    """Store free notes straight into the database, ``step`` apart from ``start``."""
    async with harness.runtime.db.transaction() as conn:
        for index, text in enumerate(texts):
            await entries.add(
                conn,
                NewEntry(
                    user_id=user_id,
                    chat_id=user_id,
                    message_id=900_000 + index,
                    kind="text",
                    text=text,
                    file_id=None,
                    written_at=start + index * step,
                ),
            )


async def flagged_answer(harness, alex, text="Talk about my sister"):
    """Answer the 20:00 prompt and flag the answer Bring to session."""
    await prompt_at_8pm(harness, alex)
    (ack,) = await alex.says(text)
    await alex.presses(ack, "📌 Bring to session")


async def test_flagged_item_leads_the_recap_then_answers_by_theme_then_notes(harness):
    alex = await onboarded(harness)
    await flagged_answer(harness, alex)
    harness.clock.advance(hours=13)  # later messages are free notes, not answers
    await alex.says("A note <3 about a<b & emoji 🌱")
    await alex.says("/mood 4")
    recap = await alex.says("/recap")
    text = visible(recap)
    assert text.index("To bring to your session") < text.index("Talk about my sister")
    assert text.index("Talk about my sister") < text.index("Notes")
    assert "A note <3 about a<b & emoji 🌱" in text  # escaped on the way, shown as written
    assert "from the last 7 days" in text
    assert "reflect on 2 days" in text
    assert "good" in text


async def test_discussed_items_leave_the_next_recap_and_open_ones_carry_over(harness):
    alex = await onboarded(harness)
    await flagged_answer(harness, alex, "Talk about my sister")
    await alex.says("/bring how to say no at work")
    harness.clock.advance(days=1)
    await alex.says("/session done")  # the window starts again; flagged items stay
    harness.clock.advance(hours=2)
    (recap,) = await alex.says("/recap")
    assert "since your session on Tue 24 Nov" in recap.visible
    assert "Talk about my sister" in recap.visible and "how to say no at work" in recap.visible
    assert "still open" in recap.visible
    await alex.presses(recap, "✓ 1 discussed")
    assert "discussed" in alex.toast()
    labels = [label for label, _ in alex.messages()[-1].buttons]
    assert "✓ 1 discussed" not in labels and "✓ All discussed" not in labels
    (again,) = await alex.says("/recap")
    assert "Talk about my sister" not in again.visible
    assert "how to say no at work" in again.visible
    async with harness.runtime.db.read() as conn:
        async with conn.execute("SELECT count(*) FROM entries WHERE discussed_at IS NOT NULL") as cur:
            assert (await cur.fetchone())[0] == 1  # kept for the export, only out of recaps


async def test_file_preview_can_leave_an_entry_out_of_the_files_only(harness):
    alex = await onboarded(harness)
    await seed_notes(
        harness,
        1001,
        ["Keep this one", "Leave <this> out", "Keep & this too"],
        datetime(2026, 11, 22, 9, 0, tzinfo=UTC),
    )
    (recap,) = await alex.says("/recap")
    (preview,) = await alex.presses(recap, "📄 As a file")
    assert "1." in preview.visible and "Leave <this> out" in preview.visible
    await alex.presses(preview, "✓ 2")
    preview = alex.api.bot_messages(1001)[-1]
    assert [label for label, _ in preview.buttons][:3] == ["✓ 1", "✕ 2", "✓ 3"]
    sent = await alex.presses(preview, "📄 Make the files")
    assert [m.kind for m in sent] == ["document", "document"]
    markdown, page = harness.api.documents(1001)
    assert markdown.filename == "between-recap-2026-11-23.md" and page.filename.endswith(".html")
    md, html = markdown.data.decode(), page.data.decode()
    assert "Keep this one" in md and "Keep \\& this too" in md and "Leave" not in md
    assert "Keep &amp; this too" in html and "Leave" not in html
    assert "1 entry you left out" in sent[-1].visible
    (again,) = await alex.says("/recap")  # the recap itself still has everything
    assert "Leave <this> out" in again.visible


async def test_a_recap_never_shows_another_persons_entries(harness):
    alex = await onboarded(harness, 1001)
    sam = await onboarded(harness, 1002)
    start = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    await seed_notes(harness, 1001, ["alex wrote this"], start)
    async with harness.runtime.db.transaction() as conn:
        await entries.add(
            conn,
            NewEntry(
                user_id=1002,
                chat_id=1002,
                message_id=5,
                kind="bring",
                text="sam flagged this",
                file_id=None,
                written_at=start,
                bring=True,
            ),
        )
    alex_recap = visible(await alex.says("/recap"))
    sam_messages = await sam.says("/recap")
    assert "alex wrote this" in alex_recap and "sam" not in alex_recap
    assert "sam flagged this" in visible(sam_messages) and "alex" not in visible(sam_messages)
    await sam.presses(sam_messages[-1], "📄 As a file")
    await sam.presses(sam.messages()[-1], "📄 Make the files")
    assert all(b"alex" not in doc.data for doc in harness.api.documents(1002))


async def test_bad_recap_windows_get_one_kind_line(harness):
    alex = await onboarded(harness)
    for bad, says in (
        ("/recap 0d", "no time at all"),
        ("/recap -5d", "can't be negative"),
        ("/recap since yesterday-ish", "yesterday-ish"),
        ("/recap 5000d", "/recap 90d"),
        ("/recap since 2031-01-01", "hasn't happened yet"),
    ):
        reply = await alex.says_one(bad)
        assert "\n" not in reply.visible.strip(), bad
        assert says in reply.visible, bad


async def test_an_empty_window_gets_a_warm_line(harness):
    alex = await onboarded(harness)
    reply = await alex.says_one("/recap 14d")
    assert "Nothing here from the last 14 days, and that's okay" in reply.visible
    assert reply.buttons == []


async def test_hundreds_of_long_entries_arrive_whole_in_many_parts(harness):
    alex = await onboarded(harness)
    filler = "I kept thinking <about> it & what it meant 💭 " * 7
    texts = [f"Entry {n:03d}: {filler}" for n in range(160)]
    await seed_notes(harness, 1001, texts, datetime(2026, 11, 17, 9, 0, tzinfo=UTC), timedelta(minutes=35))
    harness.clock.advance(seconds=5)
    parts = await alex.says("/recap")
    assert len(parts) >= 10
    assert harness.api.failures() == []
    assert all(len(m.visible) <= 4096 for m in parts)
    shown = visible(parts)
    for text in texts:
        assert text.strip() in shown
    assert [label for label, _ in parts[-1].buttons] == ["📄 As a file"]
