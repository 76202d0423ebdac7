"""Webhook mode: an update POSTed by Telegram is committed before the 200, then handled."""

from __future__ import annotations

import httpx

from bot.webhook import WebhookServer


async def test_webhook_stores_then_answers_and_handles(harness):
    server = WebhookServer(harness.runtime, "/hook", "s3cret")
    port = await server.start("127.0.0.1", 0)
    harness.api.add_user(1001)
    try:
        # The stand-in makes a realistic update; we deliver it the webhook way.
        update = harness.api.send_message(1001, "/start")
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            wrong = await client.post("/hook", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "x"})
            assert wrong.status_code == 403
            ok = await client.post(
                "/hook", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret"}
            )
            assert ok.status_code == 200
            # Committed before the 200: the inbox knows it.
            async with harness.runtime.db.read() as conn:
                async with conn.execute(
                    "SELECT count(*) FROM inbox WHERE update_id = ?", (update["update_id"],)
                ) as cur:
                    assert (await cur.fetchone())[0] == 1
            again = await client.post(
                "/hook", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret"}
            )
            assert again.status_code == 200
            bad = await client.post(
                "/hook", content=b"not json", headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret"}
            )
            assert bad.status_code == 400
        greeting = await harness.api.wait_for_bot_message(1001)
        assert "Between" in greeting.visible
    finally:
        await server.close()
    # Delivered twice (or also polled): answered once.
    greetings = [m for m in harness.api.bot_messages(1001) if "I'm" in m.visible and "Between" in m.visible]
    assert len(greetings) == 1
