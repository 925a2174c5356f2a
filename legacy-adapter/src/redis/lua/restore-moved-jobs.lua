--[[
  restore-moved-jobs: not a PinLater script. Puts taken jobs back into service (undoes
  take-for-move): each id still in a taken ZSET returns to the state ZSET of the same state with
  the same score (PENDING: its run-after), and its claim descriptor returns from `tc` to `cd`.

  Input:
    KEYS[1] taken ZSET, PENDING   plq_<shard>_<queue>.p<prio>_t0
    KEYS[2] taken ZSET, IN_PROGRESS     …_t1
    KEYS[3] taken ZSET, SUCCEEDED       …_t2
    KEYS[4] taken ZSET, FAILED          …_t3
    KEYS[5] state ZSET, PENDING   plq_<shard>_<queue>.p<prio>_s0
    KEYS[6] state ZSET, IN_PROGRESS     …_s1
    KEYS[7] state ZSET, SUCCEEDED       …_s2
    KEYS[8] state ZSET, FAILED          …_s3
    KEYS[9] job hash prefix       plh_<shard>_<queue>.

    ARGV[1..n] local ids (at most 1000; the caller loops for more)

  Output:
    number of ids restored (ids in no taken ZSET are not counted and not touched)
]]
local restored = 0
for i = 1, #ARGV do
  local id = ARGV[i]
  for k = 1, 4 do
    local score = redis.call('ZSCORE', KEYS[k], id)
    if score then
      redis.call('ZREM', KEYS[k], id)
      redis.call('ZADD', KEYS[4 + k], score, id)
      local hash = KEYS[9] .. id
      local claim = redis.call('HGET', hash, 'tc')
      if claim then
        redis.call('HSET', hash, 'cd', claim)
        redis.call('HDEL', hash, 'tc')
      end
      restored = restored + 1
      break
    end
  end
end
return restored
