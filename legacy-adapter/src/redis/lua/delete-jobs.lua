--[[
  delete-jobs: PinLater DELETE_JOBS (FACTS §6.4).

  Input:
    KEYS[1] state ZSET            plq_<shard>_<queue>.p<prio>_s<state>
    KEYS[2] job hash prefix       plh_<shard>_<queue>.

    ARGV[1] limit (> 0; the caller never sends 0, which would select the whole set)

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
