"""Delivery of proactive messages: the outbox sender.

Services put messages in the outbox (bot.ports.Outbox) in the same transaction as their cause. A `Sender`
claims due rows in batches, renders them and sends them through the Messenger port of whichever framework
runs, keeping inside Telegram's limits on our side (scheduler.delivery.limiter):

- at most DELIVERY_RATE sending calls a second (default 30), 1 a second per private chat, 20 a minute per
  group; a 429 all the same pauses every send for its retry_after, then sending resumes. With REDIS_URL
  these limits hold for every sender of the bot together (shared_limiter.SharedSendLimiter); without it
  for this process alone (limiter.SendLimiter), which must then be the bot's only sender
  (scheduler.budget refuses a second one on PostgreSQL);
- most urgent first (lowest priority number), oldest first within a priority; one chat's messages in order,
  across workers and retries too (a claim skips a chat whose earlier message waits, waits out a retry's
  backoff or is being sent elsewhere; until a retry is recorded, the worker that met it gives back what
  it claims for that chat);
- 403: the account is marked unreachable and nothing more is sent to it (its waiting rows are closed as
  `unreachable`, which staff see in batch progress); 400: failed for good, the reason kept;
  5xx, network errors and timeouts: retried with exponential backoff and jitter, up to a limit;
- quiet hours (default 20:00-08:30 in the recipient's time zone): a non-urgent message claimed then goes
  back to the queue until they end.

Exactly once, and its one bounded exception
-------------------------------------------
Enqueuing is idempotent (a unique dedupe key). Sending is "at least once, at most once more for the
messages in flight": a row is claimed (status `sending`, a lease), sent, and then its result recorded.
Results are written in small groups, but a worker never holds more than DELIVERY_BATCH_SIZE claimed and
unrecorded rows (it claims more only as results are committed). If the process dies between a send and
the commit of its result, those rows are still `sending`; when their lease (DELIVERY_LEASE_SECONDS) runs
out any worker puts them back in the queue and they are sent again. A live worker renews the lease of
the rows it holds every DELIVERY_LEASE_SECONDS / 4, so a slow one (a long 429 pause) never sees its own
rows requeued and sent twice. So a crash can repeat at most
DELIVERY_BATCH_SIZE messages per worker that crashed, and loses none. (Telegram offers no idempotency key,
so no sender can do better than "the messages in flight".) A graceful stop (SIGTERM) repeats nothing: it
finishes the sends under way, gives back what it had not tried and records everything.
"""

from scheduler.delivery.limiter import Limits, SendLimiter
from scheduler.delivery.render import ActionBuilder
from scheduler.delivery.sender import Sender, SenderConfig, SenderStats
from scheduler.delivery.timing import Backoff, QuietHours

__all__ = [
    "ActionBuilder",
    "Backoff",
    "Limits",
    "QuietHours",
    "SendLimiter",
    "Sender",
    "SenderConfig",
    "SenderStats",
]
