--[[
  delete-queue: PinLater DELETE_QUEUE (FACTS §6.3, §6.4): drop one state ZSET and its job hashes.

  Input:
    KEYS[1] state ZSET            plq_<shard>_<queue>.p<prio>_s<state>
    KEYS[2] job hash prefix       plh_<shard>_<queue>.

  Output:
    number of ids the ZSET held

  Effects: ZRANGE all ids; DEL the ZSET; DEL each job hash.
]]
local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
redis.call('DEL', KEYS[1])
for i = 1, #ids do
  redis.call('DEL', KEYS[2] .. ids[i])
end
return #ids
