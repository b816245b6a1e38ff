-- wrk script of bench/serve.sh: each connection alternates between GET of a random descriptor of
-- the file $PATHS and GET /v1/operations/$OP (the poll). With STOP_WHEN_FINAL=1 a thread stops as
-- soon as a poll answers that the operation is final (succeeded or failed), so that the figures
-- cover the reads made while it ran. done() prints one line, read by bench/serve.sh.
local paths = {}
local op = os.getenv("OP")
local stop_when_final = os.getenv("STOP_WHEN_FINAL") == "1"
local n = 0
local final = nil

function init(args)
  for line in io.lines(os.getenv("PATHS")) do
    paths[#paths + 1] = line
  end
  math.randomseed(os.time() + math.floor(os.clock() * 1e6) + tonumber(tostring({}):match("0x(%x+)"), 16) % 100000)
end

function request()
  n = n + 1
  if n % 2 == 1 then
    return wrk.format("GET", "/v1/descriptors" .. paths[math.random(#paths)])
  end
  return wrk.format("GET", "/v1/operations/" .. op)
end

if stop_when_final then
  function response(status, headers, body)
    if body:match('^{%s*"id"%s*:%s*' .. op .. '%s*,') then
      local s = body:match('"targets"%s*:%s*%b[]%s*,%s*"status"%s*:%s*"(%a+)"')
      if s == "succeeded" or s == "failed" then
        wrk.thread:stop()
      end
    end
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "%d reads in %.2f s, %d errors (status %d, timeout %d, socket %d); p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
    summary.requests, summary.duration / 1e6, e.status + e.timeout + e.connect + e.read + e.write,
    e.status, e.timeout, e.connect + e.read + e.write,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
