-- 0008: one conversation state per person: what Between is waiting for from them right now
-- (docs/conversation.md). No row: nothing; a plain message is a free note.
--
-- waiting_for 'answer': the open question, delivery_id, answered by plain messages until
-- expires_at (12 hours after it was sent), or until it is skipped, snoozed, replaced, or a command
-- starts something else. Any other value names a reply Between asked for (a zone, a city, a
-- reminder time, a pause date, a session time, what to bring); expires_at is about 30 minutes after asking.
-- refused counts replies that could not be read: the ask stays open after the first.
--
-- people.awaiting and awaiting_since held the asks before; what they held is carried over, and
-- from now on people.awaiting only holds a pending /delete confirmation.

CREATE TABLE conversations (
    user_id     INTEGER PRIMARY KEY REFERENCES people (user_id) ON DELETE CASCADE,
    waiting_for TEXT NOT NULL CHECK (waiting_for IN ('answer', 'zone', 'city', 'remind_time',
                                                     'pause_date', 'session_time', 'bring')),
    delivery_id INTEGER REFERENCES deliveries (id) ON DELETE CASCADE,
    opened_at   TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    refused     INTEGER NOT NULL DEFAULT 0,
    CHECK ((waiting_for = 'answer') = (delivery_id IS NOT NULL))
) STRICT;

INSERT INTO conversations (user_id, waiting_for, opened_at, expires_at)
SELECT user_id, awaiting, awaiting_since, datetime(awaiting_since, '+30 minutes')
FROM people
WHERE awaiting IN ('zone', 'remind_time', 'pause_date') AND awaiting_since IS NOT NULL;

UPDATE people SET awaiting = NULL, awaiting_since = NULL
WHERE awaiting IN ('zone', 'remind_time', 'pause_date');

-- The latest prompt each person was sent stays open for the rest of its 12 hours.
INSERT INTO conversations (user_id, waiting_for, delivery_id, opened_at, expires_at)
SELECT d.user_id, 'answer', d.id, d.sent_at, datetime(d.sent_at, '+12 hours')
FROM deliveries AS d
WHERE d.state = 'sent' AND d.sent_at IS NOT NULL
  AND d.id = (SELECT id FROM deliveries WHERE user_id = d.user_id AND state = 'sent'
              ORDER BY sent_at DESC, id DESC LIMIT 1)
  AND d.user_id NOT IN (SELECT user_id FROM conversations);
