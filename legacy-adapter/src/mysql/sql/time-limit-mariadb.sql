-- Statement wrapper: run one statement under a server-side time limit (MariaDB 10.1+, any
--   statement kind). Not a PinLater statement: body-regex count, scan and delete only.
-- Slots: {{seconds}} = the limit in seconds (decimal, from GATEWAY_BODY_REGEX_TIMEOUT_MS, never
--   request data); {{statement}} = the rendered statement, placeholders included.
-- Semantics: past the limit the server ends the statement (an interrupted DELETE is rolled back)
--   with error 1969 ER_STATEMENT_TIMEOUT -> BudgetExceededError.
SET STATEMENT max_statement_time = {{seconds}} FOR {{statement}}
