-- wrk script for the benchmark: spreads requests over the keys in a file (one plaintext per line) as
-- "Authorization: Bearer <key>", every thread starting at a different key, and prints one machine-readable line.
-- Usage: wrk ... -s wrk-keys.lua URL -- KEYS_FILE PATH
local threads = {}
local requests = {}
local counter = 0

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  local file = args[1] or error("keys file argument missing")
  local path = args[2] or "/bench/items"
  for line in io.lines(file) do
    if #line > 0 then
      table.insert(requests, wrk.format("GET", path, { ["Authorization"] = "Bearer " .. line }))
    end
  end
  if #requests == 0 then error("no keys in " .. file) end
  counter = (id * 997) % #requests
end

function request()
  counter = counter + 1
  if counter > #requests then counter = 1 end
  return requests[counter]
end

function done(summary, latency, _)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d mean_us=%d non2xx=%d socket_errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), math.floor(latency.mean),
    e.status, e.connect + e.read + e.write + e.timeout))
end
