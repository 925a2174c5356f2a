-- Statement fragment: checkpoint ownership test, always last.
-- Placeholders: 1 local_id, 2 required state (1 = IN_PROGRESS), 3 LIKE pattern '%<source>%'.
-- Semantics: the source is NOT escaped, as in PinLater: `_` and `%` in it act as wildcards.
--   Affected (matched) rows = 0 -> no-op, counted as <queue>_checkpoint_noop.
WHERE local_id = ? AND state = ? AND claim_descriptor LIKE ?
