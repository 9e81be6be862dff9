-- wrk script for cold lookups: sends each key in the file exactly once ("Authorization: Bearer <key>") and stops,
-- so every request is a cache miss that reaches the key store. Run with -t1 -c1.
-- Usage: wrk -t1 -c1 -d60s -s wrk-once.lua URL -- KEYS_FILE PATH
local requests = {}
local sent = 0
local received = 0

function init(args)
  local path = args[2] or "/bench/items"
  for line in io.lines(args[1]) do
    if #line > 0 then
      table.insert(requests, wrk.format("GET", path, { ["Authorization"] = "Bearer " .. line }))
    end
  end
end

function request()
  sent = sent + 1
  return requests[((sent - 1) % #requests) + 1]
end

function response(status, headers, body)
  received = received + 1
  if received >= #requests then wrk.thread:stop() end
end

function done(summary, latency, _)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d mean_us=%d non2xx=%d socket_errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), math.floor(latency.mean),
    e.status, e.connect + e.read + e.write + e.timeout))
end
