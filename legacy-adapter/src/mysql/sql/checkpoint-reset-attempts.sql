-- Statement fragment: checkpoint numOfAttemptsAllowed.
-- Placeholders: 1 attempts_allowed, 2 attempts_remaining (both the requested number).
, attempts_allowed = ?
, attempts_remaining = ?
