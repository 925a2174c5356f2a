-- Statement wrapper: run one statement under a server-side time limit (MariaDB 10.1+, any
--   statement kind). Not a PinLater statement: body-regex count, scan and delete only (legacy
--   MySQL and Pacer; core/src/sql/statement-time-limit.ts).
-- Slots: {{seconds}} = the limit in seconds (decimal, from configuration: GATEWAY_BODY_REGEX_TIMEOUT_MS
--   or Pacer's bodyRegexTimeoutMs, never request data); {{statement}} = the rendered statement,
--   placeholders included.
-- Params: those of the statement.
-- Result: that of the statement; past the limit the server ends it (an interrupted DELETE is
--   rolled back) with error 1969 ER_STATEMENT_TIMEOUT -> BudgetExceededError.
SET STATEMENT max_statement_time = {{seconds}} FOR {{statement}}
