-- Statement: pin the session time zone to the process time zone's current UTC offset
--   (FACTS §5.4: JVM TZ == session TZ). Run when a connection is first used and again whenever
--   the process offset changes (DST); literals on that connection are rendered with the same offset.
-- Placeholders: 1 offset text '+HH:MM' / '-HH:MM'.
SET time_zone = ?
