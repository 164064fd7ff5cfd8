dofile(os.getenv("BENCH_DIR") .. "/common.lua")
dofile(os.getenv("BENCH_DATA"))
-- A refresh token is single-use: each thread keeps a queue, spends one per request and queues the one each response returns.
local queue
function prepare()
  queue = refresh[id]
end
function request()
  local token = table.remove(queue, 1)
  return wrk.format("POST", "/auth/refresh", { ["Content-Type"] = "application/json" }, '{"refresh_token":"' .. token .. '"}')
end
function response(status, headers, body)
  check(status)
  local next = body:match('"refresh_token":"([^"]+)"')
  if next then table.insert(queue, next) end
end
