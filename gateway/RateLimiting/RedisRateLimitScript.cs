using StackExchange.Redis;

namespace ApiGateway.Gateway.RateLimiting;

/// <summary>
/// The Lua script that decides one request in Redis: the GCRA bucket (a hash <c>t</c> = theoretical arrival time,
/// <c>e</c> = emission interval it was computed with) and the calendar day and month counters of the key's lineage, and
/// of the workspace's own limits when it has some, read and written in one atomic call, writing only when every limit
/// admits, so a refusal changes nothing and N gateways see one bucket. Times are gateway-clock ticks (100 ns) since
/// <see cref="Epoch"/>: integers below 2^53 until about 2048, so Lua's doubles hold them exactly. The arithmetic is
/// <see cref="Gcra"/>'s, line for line.
/// </summary>
internal static class RedisRateLimitScript
{
    /// <summary>Origin of the times the script sees (keeps tick counts exact in Lua doubles).</summary>
    public static readonly long Epoch = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    /// <summary>Quota counters live this long past their period's end (covers clock skew between gateways).</summary>
    public static readonly TimeSpan QuotaGrace = TimeSpan.FromHours(1);

    // KEYS: per subject (the key's lineage, then the workspace's own limits when it has some) 1 bucket hash, 2 day
    //       counter, 3 month counter.
    // ARGV: 1 now, 2 ticks to day end, 3 ticks to month end, 4 day counter ttl ms, 5 month counter ttl ms, 6 cost (units
    //       each quota spends); then per subject 8 values: emission (0: no rate limit), burst, daily limit (0: none),
    //       monthly limit (0: none), day spent and month spent as the gateway knows them (seed a missing counter), day and
    //       month spends its fallback admitted (add to a counter).
    // Returns: { refusal (0 none; the key's 1 rate, 2 daily, 3 monthly; the workspace's 5 rate, 6 daily, 7 monthly),
    //            retry after, then per subject: remaining, reset after, day count, month count }.
    // Every subject is read and checked before anything is written, and only an admission writes: a refusal by any limit
    // spends nothing in the others, in one atomic call (one round trip) whatever the number of subjects.
    // scale(x, num, den, up) is x * num / den rounded down (up: rounded up), exact in Lua's doubles for every value
    // below 2^52 (x * num itself is never formed: the part below den is multiplied bit by bit). It runs only when the
    // policy changed, so its loop of at most 52 steps costs nothing on the common path.
    public const string Source = """
        local function divmod(a, b)
          local q = math.floor(a / b)
          local r = a - q * b
          if r < 0 then q = q - 1; r = r + b elseif r >= b then q = q + 1; r = r - b end
          return q, r
        end
        local function scale(x, num, den, up)
          local q, r = divmod(x, den)
          local s, rest, left = 0, 0, num
          local bit = 1
          while bit * 2 <= num do bit = bit * 2 end
          while bit >= 1 do
            s = s * 2
            rest = rest * 2
            if rest >= den then rest = rest - den; s = s + 1 end
            if left >= bit then
              left = left - bit
              rest = rest + r
              if rest >= den then rest = rest - den; s = s + 1 end
            end
            bit = bit / 2
          end
          if up and rest > 0 then s = s + 1 end
          return q * num + s
        end
        -- The counters count every admitted request's units, whatever its policy, as the local limiter's do: a quota set
        -- later (a PATCH, a sibling key with a quota) applies to what the lineage already spent in the period.
        -- A counter becomes at least what the gateway knows was spent (the store's count when it loaded the lineage plus
        -- its own spends, or Redis's last answer plus its fallback's spends: each a lower bound), after the spends its
        -- fallback admitted while Redis was unreachable are added. So a counter Redis lost (restart without persistence)
        -- is rebuilt from the gateways' knowledge and one Redis kept learns what it missed (docs/scale-out.md).
        local function counter(key, spent, unmerged, ttl)
          local value = tonumber(redis.call('GET', key) or '0')
          local wrote = false
          if unmerged > 0 then
            value = redis.call('INCRBY', key, unmerged)
            wrote = true
          end
          if spent > value then
            redis.call('SET', key, string.format('%.0f', spent), 'KEEPTTL')
            value = spent
            wrote = true
          end
          if wrote and redis.call('PTTL', key) == -1 then redis.call('PEXPIRE', key, ttl) end
          return value
        end
        local now = tonumber(ARGV[1])
        local dayLeft = tonumber(ARGV[2])
        local monthLeft = tonumber(ARGV[3])
        local cost = tonumber(ARGV[6])
        local refusal = 0
        local retry = 0
        local function refuse(code, wait)
          if refusal == 0 or wait > retry then
            refusal = code
            retry = wait
          end
        end
        local subjects = {}
        for i = 1, #KEYS / 3 do
          local a = 6 + (i - 1) * 8
          local k = (i - 1) * 3
          local codeBase = (i - 1) * 4
          local s = { bucket = KEYS[k + 1], day = KEYS[k + 2], month = KEYS[k + 3], em = tonumber(ARGV[a + 1]),
                      burst = tonumber(ARGV[a + 2]), behind = 0, debt = 0 }
          if s.em > 0 then
            local state = redis.call('HMGET', s.bucket, 't', 'e')
            local tat = tonumber(state[1]) or 0
            local oldEm = tonumber(state[2]) or 0
            local behind = tat - now
            if behind < 0 then behind = 0 end
            local converts = oldEm > 0 and oldEm ~= s.em
            local debt = behind
            if converts and behind > 0 then debt = scale(behind, s.em, oldEm, true) end
            local most = s.burst - s.em
            if debt > most then
              if converts then refuse(codeBase + 1, behind - scale(most, oldEm, s.em, false)) else refuse(codeBase + 1, behind - most) end
            end
            s.behind = behind
            s.debt = debt
          end
          s.dcount = counter(s.day, tonumber(ARGV[a + 5]), tonumber(ARGV[a + 7]), ARGV[4])
          s.mcount = counter(s.month, tonumber(ARGV[a + 6]), tonumber(ARGV[a + 8]), ARGV[5])
          local dlimit = tonumber(ARGV[a + 3])
          local mlimit = tonumber(ARGV[a + 4])
          if dlimit > 0 and s.dcount + cost > dlimit then refuse(codeBase + 2, dayLeft) end
          if mlimit > 0 and s.mcount + cost > mlimit then refuse(codeBase + 3, monthLeft) end
          subjects[i] = s
        end
        local out = { refusal, retry }
        for i = 1, #subjects do
          local s = subjects[i]
          if refusal == 0 then
            if s.em > 0 then
              s.debt = s.debt + s.em
              s.behind = s.debt
              redis.call('HSET', s.bucket, 't', string.format('%.0f', now + s.behind), 'e', string.format('%.0f', s.em))
              -- Kept a minute past full, like the counters' grace: a gateway whose clock lags must not find it gone while
              -- it still sees debt (and a test on a fake clock must not either).
              redis.call('PEXPIRE', s.bucket, math.floor(s.behind / 10000) + 60000)
            end
            s.dcount = redis.call('INCRBY', s.day, ARGV[6])
            if s.dcount == cost then redis.call('PEXPIRE', s.day, ARGV[4]) end
            s.mcount = redis.call('INCRBY', s.month, ARGV[6])
            if s.mcount == cost then redis.call('PEXPIRE', s.month, ARGV[5]) end
          end
          local remaining = 0
          if s.em > 0 and s.debt < s.burst then remaining = divmod(s.burst - s.debt, s.em) end
          out[#out + 1] = remaining
          out[#out + 1] = s.behind
          out[#out + 1] = s.dcount
          out[#out + 1] = s.mcount
        end
        return out
        """;

    /// <summary>The three keys of a lineage; the <c>{lineage}</c> hash tag keeps them in one Redis Cluster slot.</summary>
    public static RedisKey[] Keys(string keyPrefix, string lineageId, UtcCalendar calendar) =>
    [
        $"{keyPrefix}{{{lineageId}}}:b",
        $"{keyPrefix}{{{lineageId}}}:{calendar.DayPeriod}",
        $"{keyPrefix}{{{lineageId}}}:{calendar.MonthPeriod}",
    ];

    /// <summary>
    /// The keys of a lineage then those of a workspace's own limits (<c>ws:{workspaceId}</c>), named the same way. They
    /// are in two hash slots: a workspace-limited request needs a single Redis (or a primary with replicas), not a Cluster
    /// (docs/scale-out.md).
    /// </summary>
    public static RedisKey[] Keys(string keyPrefix, string lineageId, string workspaceStateId, UtcCalendar calendar) =>
    [
        .. Keys(keyPrefix, lineageId, calendar),
        .. Keys(keyPrefix, workspaceStateId, calendar),
    ];
}
