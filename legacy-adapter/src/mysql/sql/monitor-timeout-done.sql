-- Statement: monitor step 1, claims that timed out on their last attempt (FACTS §5.7).
-- Identifiers: {{table}}.
-- Placeholders: 1 state (3 = FAILED), 2 required state (1), 3 threshold (run start - claim
--   timeout, whole seconds), 4 limit (BACKEND_MONITOR_UPDATE_MAX_SIZE).
-- Semantics: deviation `<= 1` instead of `= 1` (attempts <= 0 must not stay IN_PROGRESS forever).
UPDATE {{table}}
SET state = ?, attempts_remaining = 0
WHERE state = ? AND updated_at < ? AND attempts_remaining <= 1
LIMIT ?
