-- time-limit-mariadb: wrapper running one statement under a server-side time limit (MariaDB 10.1+,
-- any statement kind); used for body-regex count, scan and delete only.
-- slots: {{seconds}} = the limit in seconds (decimal, from the backend config's bodyRegexTimeoutMs,
--   never request data); {{statement}} = the statement, placeholders included.
-- params: those of the statement
-- result: that of the statement, or error 1969 ER_STATEMENT_TIMEOUT past the limit (an ended
--   DELETE is rolled back).
SET STATEMENT max_statement_time = {{seconds}} FOR {{statement}}
