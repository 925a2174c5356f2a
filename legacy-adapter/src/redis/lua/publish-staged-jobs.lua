--[[
  publish-staged-jobs: not a PinLater script. Makes staged jobs visible (docs/migration.md
  "Exactly once", step 4): each id still in a staged ZSET moves to the state ZSET of the same state
  with the same score, loses its tag `mv`, and gets `cd` = the source job's claim descriptor when
  one is given (succeeded and failed jobs keep their claim in PinLater).

  Input:
    KEYS[1] staged ZSET, PENDING  plq_<shard>_<queue>.p<prio>_g0
    KEYS[2] staged ZSET, IN_PROGRESS    …_g1
    KEYS[3] staged ZSET, SUCCEEDED      …_g2
    KEYS[4] staged ZSET, FAILED         …_g3
    KEYS[5] state ZSET, PENDING   plq_<shard>_<queue>.p<prio>_s0
    KEYS[6] state ZSET, IN_PROGRESS     …_s1
    KEYS[7] state ZSET, SUCCEEDED       …_s2
    KEYS[8] state ZSET, FAILED          …_s3
    KEYS[9] job hash prefix       plh_<shard>_<queue>.

    ARGV: 3 entries per job (at most 1000 jobs; the caller loops for more):
      local id, "1" when a claim descriptor is given else "0", the claim descriptor (or "")

  Output:
    number of ids published (ids in no staged ZSET are not counted and not touched)
]]
local published = 0
for i = 1, #ARGV, 3 do
  local id = ARGV[i]
  for k = 1, 4 do
    local score = redis.call('ZSCORE', KEYS[k], id)
    if score then
      redis.call('ZREM', KEYS[k], id)
      local hash = KEYS[9] .. id
      redis.call('HDEL', hash, 'mv')
      if ARGV[i + 1] == '1' then
        redis.call('HSET', hash, 'cd', ARGV[i + 2])
      end
      redis.call('ZADD', KEYS[4 + k], score, id)
      published = published + 1
      break
    end
  end
end
return published
