-- owner-select-all: ownership of every partition of every queue (status, tests).
-- params: none
-- result: rows
SELECT queue, part, owner_id, epoch FROM {{partitionOwners}} ORDER BY queue, part
