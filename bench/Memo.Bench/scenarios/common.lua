-- Shared by every scenario: data.lua (written by the benchmark) defines `tokens`, `notes` (pairs of token index and
-- note id), `emails`, `password`, `refresh` (one list of refresh tokens per wrk thread) and `web_cookie` (the cookies
-- of a sign-in through Memo.Web).
-- Every response must have the status `expected` (a scenario may change it); done() prints one JSON line the benchmark
-- reads, with the count of responses that did not.
local counter = 0
local threads = {}

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

expected = 200

function init(args)
  math.randomseed(id * 7919)
  wrong_status = 0
  if prepare then prepare() end
end

function check(status)
  if status ~= expected then wrong_status = wrong_status + 1 end
end

function response(status, headers, body)
  check(status)
end

function pick(list)
  return list[math.random(#list)]
end

-- Called from a scenario's prepare(): formats one request for each item of `list` once per thread (after wrk has set
-- the Host header), and sends them in random order, so that the load generator's CPU goes to sending, not formatting.
function requests_for(list, format)
  local built = {}
  for i, item in ipairs(list) do built[i] = format(item) end
  request = function() return pick(built) end
end

function bearer(token)
  return { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }
end

function done(summary, latency, requests)
  local wrong = 0
  for _, thread in ipairs(threads) do wrong = wrong + thread:get("wrong_status") end
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"non2xx":%d,"wrong_status":%d,"socket_errors":%d,"p50_us":%d,"p90_us":%d,"p95_us":%d,"p99_us":%d}\n',
    summary.requests, summary.duration, summary.errors.status, wrong,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99)))
end
