--[[
  ack-failed-job: PinLater ACK_FAILED_JOB (FACTS §6.4).

  Input:
    KEYS[1] in-progress ZSET      plq_<shard>_<queue>.p<prio>_s1
    KEYS[2] job hash prefix       plh_<shard>_<queue>.
    KEYS[3] pending ZSET          plq_<shard>_<queue>.p<prio>_s0
    KEYS[4] failed ZSET           plq_<shard>_<queue>.p<prio>_s3

    ARGV[1] local id
    ARGV[2] now, seconds (Java text)
    ARGV[3] custom status (truncated to 3000 UTF-16 units by the caller)
    ARGV[4] retry-at, seconds (Java text of now + retryDelayMillis / 1000.0)

  Output:
    -1 when the id was not in progress (no effect), 0 when its hash was evicted (the id is now in
    no ZSET), 1 when re-queued to pending, 2 when moved to failed

  Effects: ZREM in-progress; attempts remaining > 1 -> ZADD pending retry-at id, HDEL cd;
  otherwise ZADD failed now id (cd kept); then HINCRBY ar -1 (a final failure leaves ar = 0),
  HMSET cs = status (overwrites), ua = now.
]]
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then
  return -1
end
local hash = KEYS[2] .. ARGV[1]
local remaining = tonumber(redis.call('HGET', hash, 'ar'))
if remaining == nil then
  return 0
end
local outcome
if remaining > 1 then
  redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
  redis.call('HDEL', hash, 'cd')
  outcome = 1
else
  redis.call('ZADD', KEYS[4], ARGV[2], ARGV[1])
  outcome = 2
end
redis.call('HINCRBY', hash, 'ar', -1)
redis.call('HMSET', hash, 'cs', ARGV[3], 'ua', ARGV[2])
return outcome
