-- POSTs one AdmissionReview body, given as the script's argument:  wrk ... -s post.lua URL -- BODY.json [COUNT]
-- With COUNT, each thread stops after COUNT/threads answers (a fixed number of requests instead of a duration).
-- done() prints one machine-readable line:
--   RESULT requests=N seconds=S rps=R p50_us=.. p99_us=.. max_us=.. errors=E non2xx=N denied=D
local threads = {}
local body_file, count

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  body_file = args[1]
  local f = assert(io.open(body_file, "rb"))
  wrk.body = f:read("*a")
  f:close()
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  denied = 0
  answers = 0
  limit = tonumber(args[2] or "0") or 0
  nthreads = tonumber(args[3] or "1") or 1
  if limit > 0 then limit = math.ceil(limit / nthreads) end
end

function response(status, headers, body)
  answers = answers + 1
  if body and string.find(body, "\"allowed\":false", 1, true) then denied = denied + 1 end
  if limit > 0 and answers >= limit then wrk.thread:stop() end
end

function done(summary, latency, requests)
  local d = 0
  for _, t in ipairs(threads) do d = d + (t:get("denied") or 0) end
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format("RESULT requests=%d seconds=%.2f rps=%.1f p50_us=%d p99_us=%d max_us=%d errors=%d non2xx=%d denied=%d\n",
    summary.requests, secs, summary.requests / secs, latency:percentile(50), latency:percentile(99), latency.max,
    e.connect + e.read + e.write + e.timeout, e.status, d))
end
