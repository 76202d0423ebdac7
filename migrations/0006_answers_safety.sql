-- 0006: two fixes found in review.
--
-- people.awaiting_since: when the bot asked the question ``awaiting`` names. A short message is
-- taken as the answer only for a while after asking (bot/handlers/messages.py); after that it
-- is an ordinary note again.
--
-- moods.chat_id / message_id: the Telegram message a mood came from (the /mood command, or the
-- scale it was tapped on), so a mood handled twice (a retry, a replay after a crash) is
-- stored once. NULL for moods imported from an export.

ALTER TABLE people ADD COLUMN awaiting_since TEXT;

ALTER TABLE moods ADD COLUMN chat_id INTEGER;
ALTER TABLE moods ADD COLUMN message_id INTEGER;
CREATE UNIQUE INDEX moods_message ON moods (chat_id, message_id);
