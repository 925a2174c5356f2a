--[[
  delete-jobs: PinLater DELETE_JOBS (FACTS §6.4); also DELETE_QUEUE's work, in chunks (deleteQueue calls
  it until a state set is empty instead of one DELETE_QUEUE call over the whole set).

  Input:
    KEYS[1] state ZSET            plq_<shard>_<queue>.p<prio>_s<state>
    KEYS[2] job hash prefix       plh_<shard>_<queue>.

    ARGV[1] limit (> 0; the caller never sends 0, which would select the whole set; at most 1000
            per call: the caller loops for larger limits and to empty a whole set for deleteQueue)

  Output:
    number of ids deleted

  Effects: the `limit` lowest-score ids leave the ZSET and their hashes are deleted.
]]
local ids = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)
local n = #ids
if n == 0 then
  return 0
end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, n - 1)
for i = 1, n do
  redis.call('DEL', KEYS[2] .. ids[i])
end
return n
