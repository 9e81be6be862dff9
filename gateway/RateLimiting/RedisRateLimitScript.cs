using StackExchange.Redis;

namespace ApiGateway.Gateway.RateLimiting;

/// <summary>
/// The Lua script that decides one request in Redis: the GCRA bucket (a hash <c>t</c> = theoretical arrival time,
/// <c>e</c> = emission interval it was computed with) and the calendar day and month counters, read and written in one
/// atomic call, so a refusal spends nothing and N gateways see one bucket. Times are gateway-clock ticks (100 ns) since
/// <see cref="Epoch"/>: integers below 2^53 until about 2048, so Lua's doubles hold them exactly. The arithmetic is
/// <see cref="LocalKeyRateLimiter"/>'s, line for line.
/// </summary>
internal static class RedisRateLimitScript
{
    /// <summary>Origin of the times the script sees (keeps tick counts exact in Lua doubles).</summary>
    public static readonly long Epoch = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    /// <summary>Quota counters live this long past their period's end (covers clock skew between gateways).</summary>
    public static readonly TimeSpan QuotaGrace = TimeSpan.FromHours(1);

    // KEYS: 1 bucket hash, 2 day counter, 3 month counter.
    // ARGV: 1 now, 2 emission, 3 burst, 4 daily limit (0: none), 5 monthly limit (0: none), 6 ticks to day end,
    //       7 ticks to month end, 8 day counter ttl ms, 9 month counter ttl ms.
    // Returns: { refusal (0 none, 1 rate, 2 daily, 3 monthly), tat - now, retryAfter, day count, month count }.
    public const string Source = """
        local now = tonumber(ARGV[1])
        local em = tonumber(ARGV[2])
        local burst = tonumber(ARGV[3])
        local dlimit = tonumber(ARGV[4])
        local mlimit = tonumber(ARGV[5])
        local dayLeft = tonumber(ARGV[6])
        local monthLeft = tonumber(ARGV[7])
        local state = redis.call('HMGET', KEYS[1], 't', 'e')
        local tat = tonumber(state[1]) or now
        local oldEm = tonumber(state[2]) or 0
        if tat < now then tat = now end
        if oldEm ~= em and oldEm > 0 then tat = now + math.floor((tat - now) * em / oldEm) end
        if tat > now + burst then tat = now + burst end
        local nxt = tat + em
        local refusal = 0
        local retry = 0
        if nxt - now > burst then
          refusal = 1
          retry = nxt - burst - now
        end
        local dcount = 0
        local mcount = 0
        if dlimit > 0 then
          dcount = tonumber(redis.call('GET', KEYS[2]) or '0')
          if dcount >= dlimit and dayLeft > retry then
            refusal = 2
            retry = dayLeft
          end
        end
        if mlimit > 0 then
          mcount = tonumber(redis.call('GET', KEYS[3]) or '0')
          if mcount >= mlimit and monthLeft > retry then
            refusal = 3
            retry = monthLeft
          end
        end
        if refusal == 0 then
          tat = nxt
          redis.call('HSET', KEYS[1], 't', string.format('%.0f', tat), 'e', string.format('%.0f', em))
          redis.call('PEXPIRE', KEYS[1], math.floor((tat - now) / 10000) + 1000)
          if dlimit > 0 then
            dcount = redis.call('INCR', KEYS[2])
            if dcount == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[8]) end
          end
          if mlimit > 0 then
            mcount = redis.call('INCR', KEYS[3])
            if mcount == 1 then redis.call('PEXPIRE', KEYS[3], ARGV[9]) end
          end
        end
        return { refusal, tat - now, retry, dcount, mcount }
        """;

    /// <summary>The three keys of a lineage; the <c>{lineage}</c> hash tag keeps them in one Redis Cluster slot.</summary>
    public static RedisKey[] Keys(string keyPrefix, string lineageId, UtcCalendar calendar) =>
    [
        $"{keyPrefix}{{{lineageId}}}:b",
        $"{keyPrefix}{{{lineageId}}}:{calendar.DayPeriod}",
        $"{keyPrefix}{{{lineageId}}}:{calendar.MonthPeriod}",
    ];
}
