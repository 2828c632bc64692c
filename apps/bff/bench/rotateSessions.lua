-- wrk script for the warm-path benchmark: body-less `PUT /api/knewton/account`, rotating through one
-- signed-in user per line of the cookie file (a `Cookie` header value), with the CSRF header and Origin a
-- browser sends. Requests are formatted once in init(), so wrk spends no time building them.
-- Usage: wrk -t1 -c32 -d5s -s rotateSessions.lua http://127.0.0.1:PORT -- <cookie file> <origin>
local formatted = {}
local index = 0

function init(args)
  local headers = { ["X-CSRF"] = "1", ["Origin"] = args[2] }
  for line in io.lines(args[1]) do
    if line ~= "" then
      headers["Cookie"] = line
      formatted[#formatted + 1] = wrk.format("PUT", "/api/knewton/account", headers)
    end
  end
  if #formatted == 0 then error("no cookies in " .. args[1]) end
end

function request()
  index = index % #formatted + 1
  return formatted[index]
end

-- One machine-readable line for the benchmark to parse (wrk's own text report is printed above it).
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests":%d,"durationUs":%d,"non2xx":%d,"connectErrors":%d,"readErrors":%d,' ..
      '"writeErrors":%d,"timeouts":%d,"p50Us":%d,"p99Us":%d}\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
