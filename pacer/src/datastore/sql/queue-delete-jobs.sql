-- queue-delete-jobs: delete a chunk of a queue's jobs (deleteQueue loops until 0).
-- params: queue, chunkSize
-- result: affectedRows
DELETE FROM {{jobs}} WHERE queue = ? LIMIT ?
