-- monitor-gc: delete SUCCEEDED/FAILED jobs finished (updated_at) longer than the TTL ago. PinLater
-- MySQL ages by run_after (FACTS §11.9); Pacer by completion time (docs/compatibility.md, Pacer).
-- params: queue, part, state, finishedBeforeMs, limit
-- result: affectedRows
DELETE FROM {{jobs}} WHERE queue = ? AND part = ? AND state = ? AND updated_at_ms < ? LIMIT ?
