--[[
  delete-matched-jobs: not a PinLater script. The removal step of DELETE_JOBS_MATCH_BODY (FACTS
  §6.4), whose body match now runs in the gateway: deletes the jobs the gateway found matching,
  each only if it is still in the state ZSET with the very body that matched.

  Input:
    KEYS[1] state ZSET            plq_<shard>_<queue>.p<prio>_s<state>
    KEYS[2] job hash prefix       plh_<shard>_<queue>.

    ARGV[2i-1] local id
    ARGV[2i]   SHA-1 (lowercase hex) of the body that matched
    (at most 1000 ids, whose bodies together are one bounded fetch batch of the gateway)

  Output:
    number of ids deleted

  Effects: per id still in KEYS[1] whose `bd` hashes to ARGV[2i]: ZREM the id, DEL its hash.
  Ids that left the set or whose body changed since the gateway read it are left alone.
]]
local removed = 0
for i = 1, #ARGV, 2 do
  local id = ARGV[i]
  if redis.call('ZSCORE', KEYS[1], id) then
    local hash = KEYS[2] .. id
    local body = redis.call('HGET', hash, 'bd')
    if body and redis.sha1hex(body) == ARGV[i + 1] then
      redis.call('ZREM', KEYS[1], id)
      redis.call('DEL', hash)
      removed = removed + 1
    end
  end
end
return removed
