using StackExchange.Redis;

namespace ApiGateway.Gateway.RateLimiting;

/// <summary>
/// The Lua script that decides one request in Redis: the GCRA bucket (a hash <c>t</c> = theoretical arrival time,
/// <c>e</c> = emission interval it was computed with) and the calendar day and month counters, read and written in one
/// atomic call, writing only when it admits, so a refusal changes nothing and N gateways see one bucket. Times are gateway-clock ticks (100 ns) since
/// <see cref="Epoch"/>: integers below 2^53 until about 2048, so Lua's doubles hold them exactly. The arithmetic is
/// <see cref="Gcra"/>'s, line for line.
/// </summary>
internal static class RedisRateLimitScript
{
    /// <summary>Origin of the times the script sees (keeps tick counts exact in Lua doubles).</summary>
    public static readonly long Epoch = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    /// <summary>Quota counters live this long past their period's end (covers clock skew between gateways).</summary>
    public static readonly TimeSpan QuotaGrace = TimeSpan.FromHours(1);

    // KEYS: 1 bucket hash, 2 day counter, 3 month counter.
    // ARGV: 1 now, 2 emission, 3 burst, 4 daily limit (0: none), 5 monthly limit (0: none), 6 ticks to day end,
    //       7 ticks to month end, 8 day counter ttl ms, 9 month counter ttl ms, 10 day spent and 11 month spent as the
    //       gateway knows them (seed a missing counter), 12 day and 13 month spends its fallback admitted (add to a counter).
    // Returns: { refusal (0 none, 1 rate, 2 daily, 3 monthly), remaining, reset after, retry after, day count, month count }.
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
        local now = tonumber(ARGV[1])
        local em = tonumber(ARGV[2])
        local burst = tonumber(ARGV[3])
        local dlimit = tonumber(ARGV[4])
        local mlimit = tonumber(ARGV[5])
        local dayLeft = tonumber(ARGV[6])
        local monthLeft = tonumber(ARGV[7])
        local state = redis.call('HMGET', KEYS[1], 't', 'e')
        local tat = tonumber(state[1]) or 0
        local oldEm = tonumber(state[2]) or 0
        local behind = tat - now
        if behind < 0 then behind = 0 end
        local converts = oldEm > 0 and oldEm ~= em
        local debt = behind
        if converts and behind > 0 then debt = scale(behind, em, oldEm, true) end
        local most = burst - em
        local refusal = 0
        local retry = 0
        if debt > most then
          refusal = 1
          if converts then retry = behind - scale(most, oldEm, em, false) else retry = behind - most end
        end
        -- The counters count every admitted request, whatever its policy, as the local limiter's do: a quota set later
        -- (a PATCH, a sibling key with a quota) applies to what the lineage already spent in the period.
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
        local dcount = counter(KEYS[2], tonumber(ARGV[10]), tonumber(ARGV[12]), ARGV[8])
        local mcount = counter(KEYS[3], tonumber(ARGV[11]), tonumber(ARGV[13]), ARGV[9])
        if dlimit > 0 and dcount >= dlimit and dayLeft > retry then
          refusal = 2
          retry = dayLeft
        end
        if mlimit > 0 and mcount >= mlimit and monthLeft > retry then
          refusal = 3
          retry = monthLeft
        end
        if refusal == 0 then
          debt = debt + em
          behind = debt
          redis.call('HSET', KEYS[1], 't', string.format('%.0f', now + behind), 'e', string.format('%.0f', em))
          -- Kept a minute past full, like the counters' grace: a gateway whose clock lags must not find it gone while it
          -- still sees debt (and a test on a fake clock must not either).
          redis.call('PEXPIRE', KEYS[1], math.floor(behind / 10000) + 60000)
          dcount = redis.call('INCR', KEYS[2])
          if dcount == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[8]) end
          mcount = redis.call('INCR', KEYS[3])
          if mcount == 1 then redis.call('PEXPIRE', KEYS[3], ARGV[9]) end
        end
        local remaining = 0
        if debt < burst then remaining = divmod(burst - debt, em) end
        return { refusal, remaining, behind, retry, dcount, mcount }
        """;

    /// <summary>The three keys of a lineage; the <c>{lineage}</c> hash tag keeps them in one Redis Cluster slot.</summary>
    public static RedisKey[] Keys(string keyPrefix, string lineageId, UtcCalendar calendar) =>
    [
        $"{keyPrefix}{{{lineageId}}}:b",
        $"{keyPrefix}{{{lineageId}}}:{calendar.DayPeriod}",
        $"{keyPrefix}{{{lineageId}}}:{calendar.MonthPeriod}",
    ];
}
