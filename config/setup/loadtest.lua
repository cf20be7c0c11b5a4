-- A mix of what visitors and API clients ask for: map pages, API lists, details, stats, tiles.
-- Pages in both languages under their prefixes (an unprefixed page is a redirect: #14).
local paths = {
  "/es/",
  "/api/v1/incidents/?page_size=100",
  "/api/v1/incidents/?bbox=-75,-13,-73,-11.5&date_from=2018-01-01",
  "/api/v1/incidents/?region=12&ordering=-fatalities",
  "/api/v1/stats/?level=department",
  "/api/v1/advisories/?at=-73.829,-12.5196",
  "/api/v1/regions/?level=district&parent=1206&zoom=9",
  "/es/regions/120609/",
  "/en/regions/12/",
  "/es/advisories/",
  "/en/incidents/1/",
  "/tiles/incidents/7/37/68.pbf",
  "/tiles/incidents/10/301/546.pbf",
  "/tiles/districts/8/75/136.pbf",
  "/healthz",
}
-- LOADTEST_CLIENTS visitors behind one trusted proxy (the server runs with
-- TRUSTED_PROXY_COUNT=1): each has its own throttle counters, as real visitors do. From one
-- address every request would wait for that one client's counter lock (security/throttling.py).
local clients = tonumber(os.getenv("LOADTEST_CLIENTS") or "200")
local i = 0
request = function()
  i = i + 1
  local client = math.random(clients)
  local headers = {["X-Forwarded-For"] = string.format("10.%d.%d.%d", math.floor(client / 65536) % 256, math.floor(client / 256) % 256, client % 256)}
  return wrk.format("GET", paths[(i % #paths) + 1], headers)
end

-- Count answers by second and status class, to show when errors happened.
local threads = {}
setup = function(thread) table.insert(threads, thread) end
init = function() errors_at, ok_at, page_cache = {}, {}, {hit = 0, miss = 0, none = 0} end
response = function(status, headers)
  local second = os.time()
  if status >= 400 then
    errors_at[second] = (errors_at[second] or 0) + 1
  else
    ok_at[second] = (ok_at[second] or 0) + 1
  end
  -- Map pages say whether they came from the page cache (web/page_cache.py).
  local cached = headers["X-Page-Cache"]
  if cached then page_cache[cached] = (page_cache[cached] or 0) + 1 end
end
done = function()
  local errors, oks = {}, {}
  local hits, misses = 0, 0
  for _, thread in ipairs(threads) do
    local counts = thread:get("page_cache")
    if counts then hits, misses = hits + (counts.hit or 0), misses + (counts.miss or 0) end
    for second, n in pairs(thread:get("errors_at") or {}) do errors[second] = (errors[second] or 0) + n end
    for second, n in pairs(thread:get("ok_at") or {}) do oks[second] = (oks[second] or 0) + n end
  end
  local seconds = {}
  for second in pairs(oks) do seconds[#seconds + 1] = second end
  for second in pairs(errors) do if not oks[second] then seconds[#seconds + 1] = second end end
  table.sort(seconds)
  io.write("second (UTC)  ok  errors\n")
  for _, second in ipairs(seconds) do
    io.write(string.format("%s  %d  %d\n", os.date("!%H:%M:%S", second), oks[second] or 0, errors[second] or 0))
  end
  io.write(string.format("page cache: %d hits, %d misses\n", hits, misses))
end
