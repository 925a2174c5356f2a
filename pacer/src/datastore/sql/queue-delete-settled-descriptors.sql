-- queue-delete-settled-descriptors: delete a chunk of a queue's settled claim descriptors
-- (deleteQueue loops until 0; after its leases, so no lease copy can add one afterwards).
-- params: queue, chunkSize
-- result: affectedRows
DELETE FROM {{settledDescriptors}} WHERE queue = ? LIMIT ?
