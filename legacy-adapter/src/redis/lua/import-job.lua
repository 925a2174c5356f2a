--[[
  import-job: not a PinLater script. Writes one job moved from another system (the migration
  copier) in exactly the layout PinLater's own scripts produce (FACTS §6.2), under a new local id.

  Input:
    KEYS[1] id counter            plj_<shard>_<queue>
    KEYS[2] job hash prefix       plh_<shard>_<queue>.
    KEYS[3] target state ZSET     plq_<shard>_<queue>.p<prio>_s<state>

    ARGV[1] body (bytes)
    ARGV[2] attempts allowed (decimal int)
    ARGV[3] attempts remaining (decimal int)
    ARGV[4] created-at, seconds (Java text)
    ARGV[5] updated-at, seconds (Java text)
    ARGV[6] custom status
    ARGV[7] score, seconds (Java text): run-after for pending, state entry time otherwise
    ARGV[8] claim descriptor, or "" for none (cd is then not written)

  Output:
    the new local id (integer)
]]
local id = redis.call('INCR', KEYS[1])
local hash = KEYS[2] .. id
redis.call('HMSET', hash,
  'bd', ARGV[1], 'al', ARGV[2], 'ar', ARGV[3], 'ca', ARGV[4], 'ua', ARGV[5], 'cs', ARGV[6])
if ARGV[8] ~= '' then
  redis.call('HSET', hash, 'cd', ARGV[8])
end
redis.call('ZADD', KEYS[3], ARGV[7], id)
return id
