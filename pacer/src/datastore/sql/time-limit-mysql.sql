-- time-limit-mysql: MySQL 5.7.8+ optimizer hint limiting a SELECT's run time (MySQL cannot limit
-- a DELETE: body-regex deletes select their ids under this hint first, delete-jobs-select-ids.sql).
-- slots: {{ms}} = the limit in milliseconds (integer, from configuration); {{selectRest}} = the
--   statement after its leading SELECT keyword.
-- params: those of the statement
-- result: that of the statement, or error 3024 ER_QUERY_TIMEOUT past the limit.
SELECT /*+ MAX_EXECUTION_TIME({{ms}}) */ {{selectRest}}
