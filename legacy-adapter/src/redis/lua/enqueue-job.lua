--[[
  enqueue-job: PinLater ENQUEUE_JOB (FACTS §6.4).

  Input:
    KEYS[1] id counter            plj_<shard>_<queue>
    KEYS[2] job hash prefix       plh_<shard>_<queue>.
    KEYS[3] pending ZSET          plq_<shard>_<queue>.p<prio>_s0

    ARGV[1] body (bytes, stored verbatim)
    ARGV[2] attempts allowed (decimal int; also the initial attempts remaining)
    ARGV[3] now, seconds as Java Double.toString text (created-at and updated-at)
    ARGV[4] run-after, seconds (Java text; the caller passes now when the job's run-after is unset or 0)
    ARGV[5] custom status (already truncated to 3000 UTF-16 units by the caller)

  Output:
    the new local id (integer)

  Effects: INCR counter; HMSET hash bd al ar ca ua cs; ZADD pending run-after id.
]]
local id = redis.call('INCR', KEYS[1])
redis.call('HMSET', KEYS[2] .. id,
  'bd', ARGV[1], 'al', ARGV[2], 'ar', ARGV[2], 'ca', ARGV[3], 'ua', ARGV[3], 'cs', ARGV[5])
redis.call('ZADD', KEYS[3], ARGV[4], id)
return id
