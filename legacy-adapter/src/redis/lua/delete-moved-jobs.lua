--[[
  delete-moved-jobs: not a PinLater script. Deletes jobs of a move for good: taken jobs once their
  copy is published (finish), or staged copies that lost the race or were abandoned (discard).

  Input:
    KEYS[1] the move's ZSET, PENDING    plq_<shard>_<queue>.p<prio>_t0 (finish) or _g0 (discard)
    KEYS[2] the move's ZSET, IN_PROGRESS  …_t1 or _g1
    KEYS[3] the move's ZSET, SUCCEEDED    …_t2 or _g2
    KEYS[4] the move's ZSET, FAILED       …_t3 or _g3
    KEYS[5] job hash prefix       plh_<shard>_<queue>.

    ARGV[1..n] local ids (at most 1000; the caller loops for more)

  Output:
    number of ids deleted

  Effects: each id still in one of KEYS[1..4] leaves it and its hash is deleted; any other id is
  not touched (it was already deleted, restored or published, or was never part of the move).
]]
local deleted = 0
for i = 1, #ARGV do
  local id = ARGV[i]
  for k = 1, 4 do
    if redis.call('ZREM', KEYS[k], id) == 1 then
      redis.call('DEL', KEYS[5] .. id)
      deleted = deleted + 1
      break
    end
  end
end
return deleted
