-- Statement fragment: body filter for count, scan and delete, added only for a non-empty regex.
-- Placeholders: 1 the regex, BOUND as a parameter (deviation: PinLater pastes it unescaped
--   inside quotes; docs/compatibility.md, "Legacy MySQL: body regex").
-- Semantics: unanchored search, byte-wise on the BLOB.
AND body REGEXP ?
