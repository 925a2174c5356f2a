--[[
  checkpoint-job: PinLater's composed checkpoint script (FACTS §6.4): CHECKPOINT_JOB_HEADER, then
  the optional parts NEW_BODY, NEW_ATTEMPTS_ALLOWED, NEW_CUSTOM_STATUS, RESET_CLAIM_DESCRIPTOR in
  that order, then `return 1`. PinLater concatenates only the parts a request needs; here one
  script runs the same parts in the same order, switched by ARGV[7..10].

  Input:
    KEYS[1] in-progress ZSET      plq_<shard>_<queue>.p<prio>_s1
    KEYS[2] target ZSET           pending (..._s0) when moving to pending, else in-progress (..._s1)
    KEYS[3] job hash prefix       plh_<shard>_<queue>.

    ARGV[1] local id
    ARGV[2] source (UTF-8, cut at its first NUL byte by the caller), searched as plain text
    ARGV[3] ts, seconds (Java text): the request's run-after if set, else now
    ARGV[4] new body or ""
    ARGV[5] new attempts allowed or "0"
    ARGV[6] custom status to prepend or ""
    ARGV[7] "1" = NEW_BODY part
    ARGV[8] "1" = NEW_ATTEMPTS_ALLOWED part
    ARGV[9] "1" = NEW_CUSTOM_STATUS part
    ARGV[10] "1" = RESET_CLAIM_DESCRIPTOR part (move to pending)
    ARGV[11] "1" = the caller already found the source in cd, whose exact value is ARGV[12]
    ARGV[12] that claim descriptor (ARGV[11] = "1"), else ""

  Output:
    0 when the claim does not match (no effect), 1 otherwise; -3 (no effect) when cd and the
    source are too long to search here (#cd * #source > 10^7): the caller reads cd, searches it
    itself and calls again with ARGV[11] = "1"; -2 (no effect) when ARGV[11] = "1" and cd is no
    longer ARGV[12]

  PinLater searches with `string.find(cd, escaped source)`, a Lua pattern whose every magic
  character is %-escaped: a substring test of the source up to its first NUL (a Lua 5.1 pattern
  ends there), but run by the pattern matcher, whose cost is #cd * #source inside one C call that
  nothing interrupts; cd holds a client's dequeue source and the checkpoint source is the client's
  too, so 20 KB and 10 KB froze Redis for a second (issue 8). The plain find gives the same answer
  with memchr/memcmp, and the product bound keeps even that small.

  Effects (header): cd = HGET cd; nil or not containing the source -> 0. Else ZREM KEYS[1] id;
  ZADD KEYS[2] ts id; HSET ua = ts. As in PinLater the job's current state is not checked: a
  succeeded/failed job that kept its cd is put into pending/in-progress while it stays in the
  succeeded/failed ZSET.
  NEW_BODY: HSET bd. NEW_ATTEMPTS_ALLOWED: HMSET al = ar = n. NEW_CUSTOM_STATUS: cs = first 3000
  bytes of (prepend .. cs). RESET_CLAIM_DESCRIPTOR: HDEL cd.

  Safe deviation: a missing `cs` is read as "" (PinLater's script errors there, after the header
  has already moved the id, leaving a half-applied checkpoint).
]]
local MAX_SEARCH = 10000000
local hash = KEYS[3] .. ARGV[1]
local claim = redis.call('HGET', hash, 'cd')
if not claim then
  return 0
end
if ARGV[11] == '1' then
  if claim ~= ARGV[12] then
    return -2
  end
elseif #claim * #ARGV[2] > MAX_SEARCH then
  return -3
elseif not string.find(claim, ARGV[2], 1, true) then
  return 0
end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('HSET', hash, 'ua', ARGV[3])
if ARGV[7] == '1' then
  redis.call('HSET', hash, 'bd', ARGV[4])
end
if ARGV[8] == '1' then
  redis.call('HMSET', hash, 'al', ARGV[5], 'ar', ARGV[5])
end
if ARGV[9] == '1' then
  local current = redis.call('HGET', hash, 'cs') or ''
  redis.call('HSET', hash, 'cs', string.sub(ARGV[6] .. current, 1, 3000))
end
if ARGV[10] == '1' then
  redis.call('HDEL', hash, 'cd')
end
return 1
