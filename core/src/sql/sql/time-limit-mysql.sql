-- Statement wrapper: MySQL 5.7.8+ optimizer hint limiting a SELECT's run time
--   (core/src/sql/statement-time-limit.ts). MySQL has no per-statement limit for DELETE, so a
--   body-regex delete selects its ids under this hint first (each store's delete-jobs-select-ids.sql
--   and delete-jobs-by-ids.sql). Older servers read the hint as a comment.
-- Slots: {{ms}} = the limit in milliseconds (integer, from configuration); {{selectRest}} = the
--   statement after its leading SELECT keyword.
-- Params: those of the statement.
-- Result: that of the statement; past the limit the server ends the SELECT with error 3024
--   ER_QUERY_TIMEOUT -> BudgetExceededError.
SELECT /*+ MAX_EXECUTION_TIME({{ms}}) */ {{selectRest}}
