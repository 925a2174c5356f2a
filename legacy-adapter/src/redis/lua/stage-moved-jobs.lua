--[[
  stage-moved-jobs: not a PinLater script. Writes copies of moved jobs invisibly (docs/migration.md
  "Exactly once", step 2): each under a new local id (INCR of the queue's counter, as enqueue
  does), with the hash exactly as PinLater holds a job of that state (as import-job writes it)
  plus the tag `mv` = source descriptor, and the id in the staged ZSET of its state, scored as the
  state ZSET will score it. Nothing of PinLater's reads a staged ZSET; the hash has no `cd` until
  publish, so no checkpoint matches it.

  Input:
    KEYS[1] id counter            plj_<shard>_<queue>
    KEYS[2] job hash prefix       plh_<shard>_<queue>.
    KEYS[3] staged ZSET, PENDING  plq_<shard>_<queue>.p<prio>_g0
    KEYS[4] staged ZSET, IN_PROGRESS    …_g1
    KEYS[5] staged ZSET, SUCCEEDED      …_g2
    KEYS[6] staged ZSET, FAILED         …_g3

    ARGV: 9 entries per job:
      state (0..3), body (bytes), attempts allowed, attempts remaining (decimal ints),
      created-at, updated-at (seconds, Java text), custom status,
      score (seconds, Java text: run-after for pending, state entry time otherwise),
      source descriptor (the tag)

  Output:
    the new local ids (integers), in input order
]]
local ids = {}
for i = 1, #ARGV, 9 do
  local id = redis.call('INCR', KEYS[1])
  redis.call('HMSET', KEYS[2] .. id,
    'bd', ARGV[i + 1], 'al', ARGV[i + 2], 'ar', ARGV[i + 3], 'ca', ARGV[i + 4], 'ua', ARGV[i + 5],
    'cs', ARGV[i + 6], 'mv', ARGV[i + 8])
  redis.call('ZADD', KEYS[3 + tonumber(ARGV[i])], ARGV[i + 7], id)
  ids[#ids + 1] = id
end
return ids
