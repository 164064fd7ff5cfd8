-- Shared by every scenario: data.lua (written by the benchmark) defines `tokens`, `notes` (pairs of token index and
-- note id), `emails`, `password` and `refresh` (one list of refresh tokens per wrk thread).
-- done() prints one JSON line the benchmark reads.
local counter = 0
local threads = {}

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(id * 7919)
  status_errors = 0
end

function pick(list)
  return list[math.random(#list)]
end

function bearer(token)
  return { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }
end

function done(summary, latency, requests)
  local non2xx = summary.errors.status
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"non2xx":%d,"socket_errors":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d}\n',
    summary.requests, summary.duration, non2xx,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99)))
end
