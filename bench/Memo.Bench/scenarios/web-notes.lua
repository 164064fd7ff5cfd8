dofile(os.getenv("BENCH_DIR") .. "/common.lua")
dofile(os.getenv("BENCH_DATA"))
-- Memo.Web's notes page for a user with 1,000 notes, rendered on the server: each request validates the session cookie,
-- reads the session's tokens from Redis, lists the newest 20 notes from Memo.Notes and renders the page.
function prepare()
  requests_for({ web_cookie }, function(cookie) return wrk.format("GET", "/", { ["Cookie"] = cookie }) end)
end
