-- wrk script for the learning-events benchmark: `POST /api/knewton/events` with a batch of fresh events
-- (new random UUIDs every request, so none is deduplicated away), rotating through one signed-in learner
-- per line of the cookie file, with the CSRF header and Origin a browser sends.
-- Usage: wrk -t1 -c32 -d5s -s postEvents.lua http://127.0.0.1:PORT -- <cookie file> <origin> <events per request> <module id>
local cookies = {}
local index = 0
local origin, perRequest, moduleId

function init(args)
  for line in io.lines(args[1]) do
    if line ~= "" then cookies[#cookies + 1] = line end
  end
  if #cookies == 0 then error("no cookies in " .. args[1]) end
  origin = args[2]
  perRequest = tonumber(args[3])
  moduleId = args[4]
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

local function uuid()
  return (string.gsub("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", "[xy]", function(c)
    return string.format("%x", c == "x" and math.random(0, 15) or math.random(8, 11))
  end))
end

function request()
  index = index % #cookies + 1
  local events = {}
  for i = 1, perRequest do
    events[i] = string.format(
      '{"id":"%s","type":"graded","moduleId":"%s","interactionEndTime":"2026-12-01T09:00:00Z","isCorrect":true}',
      uuid(), moduleId)
  end
  local headers = {
    ["X-CSRF"] = "1",
    ["Origin"] = origin,
    ["Cookie"] = cookies[index],
    ["Content-Type"] = "application/json",
  }
  return wrk.format("POST", "/api/knewton/events", headers, '{"events":[' .. table.concat(events, ",") .. "]}")
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
