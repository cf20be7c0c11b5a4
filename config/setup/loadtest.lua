-- A mix of what visitors and API clients ask for: map pages, API lists, details, stats, tiles.
local paths = {
  "/",
  "/api/v1/incidents/?page_size=100",
  "/api/v1/incidents/?bbox=-75,-13,-73,-11.5&date_from=2018-01-01",
  "/api/v1/incidents/?region=12&ordering=-fatalities",
  "/api/v1/stats/?level=department",
  "/api/v1/advisories/?at=-73.829,-12.5196",
  "/api/v1/regions/?level=district&parent=1206&zoom=9",
  "/regions/120609/",
  "/regions/12/",
  "/advisories/",
  "/incidents/1/",
  "/tiles/incidents/7/37/68.pbf",
  "/tiles/incidents/10/301/546.pbf",
  "/tiles/districts/8/75/136.pbf",
  "/healthz",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end

-- Count answers by second and status class, to show when errors happened.
local threads = {}
setup = function(thread) table.insert(threads, thread) end
init = function() errors_at, ok_at = {}, {} end
response = function(status)
  local second = os.time()
  if status >= 400 then
    errors_at[second] = (errors_at[second] or 0) + 1
  else
    ok_at[second] = (ok_at[second] or 0) + 1
  end
end
done = function()
  local errors, oks = {}, {}
  for _, thread in ipairs(threads) do
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
end
