-- wrk script for scripts/load_test.sh (docs/hardening.md, "Load"): the request mix, optional
-- pacing to a fixed rate, and per-kind counts and latencies. Configured from the environment:
--
--   LOAD_CODES      file with one credit code a line (the seeded enterprises)      (required)
--   LOAD_REGIONS    file with one region code a line (cities that have enterprises) (for queries)
--   LOAD_TOKEN      a regulator's bearer token                                     (for queries, reports)
--   LOAD_MIX        weights "lookup,query,report" (default "90,9,1")
--   LOAD_RATE       total requests/s to pace to, 0 = as fast as possible (default 0)
--   LOAD_THREADS    wrk's -t, which must equal -c when LOAD_RATE or LOAD_TRACK is set
--   LOAD_TRACK      1 = count answers and time them per kind (needs one connection per thread)
--   LOAD_RESULT     file the JSON summary is written to (default: standard output only)
--   LOAD_STATIC     1 = no request(): wrk requests the URL it was given (the trivial endpoint)
--
-- Kinds: `lookup` is the anonymous grade lookup GET /api/v1/enterprises/{code}/score of a random
-- enterprise; `query` is a regulator's read, in turn a filtered list
-- (GET /api/v1/enterprises?region_code=…&page=…), the grade statistics of a province
-- (GET /api/v1/statistics/grades?region_code=…) and a full score with percentile
-- (GET /api/v1/enterprises/{code}/score with the token); `report` is a regulator creating a full
-- credit report, POST /api/v1/enterprises/{code}/reports. Signed-in requests and writes are each
-- audited in a write transaction by the service, anonymous reads are not.
--
-- With one connection per thread, request() and response() strictly alternate on a thread, so
-- the kind and start time of the request in flight are known when its answer arrives. Pacing
-- uses wrk's delay(): each thread keeps an absolute schedule of RATE/THREADS requests/s (so
-- rounding to milliseconds does not accumulate), with a random phase so threads do not fire
-- together; wrk starts its own latency clock after the delay, so latencies are service times.

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } load_timespec;
int clock_gettime(int clk_id, load_timespec *tp);
]]
local ts = ffi.new("load_timespec")
local function now_us()
    ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
    return tonumber(ts.tv_sec) * 1e6 + tonumber(ts.tv_nsec) / 1e3
end

local function lines(path)
    local out = {}
    if path == nil or path == "" then return out end
    for line in io.lines(path) do
        if line ~= "" then out[#out + 1] = line end
    end
    return out
end

local KINDS = { "lookup", "query", "report" }
local weights = {}
for w in string.gmatch(os.getenv("LOAD_MIX") or "90,9,1", "[^,]+") do
    weights[#weights + 1] = tonumber(w)
end
local total_weight = 0
for i = 1, 3 do total_weight = total_weight + (weights[i] or 0) end

local rate = tonumber(os.getenv("LOAD_RATE") or "0") or 0
local nthreads = tonumber(os.getenv("LOAD_THREADS") or "1")
local track = os.getenv("LOAD_TRACK") == "1"
local token = os.getenv("LOAD_TOKEN") or ""
local static = os.getenv("LOAD_STATIC") == "1"

-- Histogram buckets 2 % wide: bucket b holds latencies in [e^(b/50), e^((b+1)/50)) µs.
local function bucket(us)
    if us < 1 then us = 1 end
    return math.floor(math.log(us) * 50)
end
local function bucket_value(b) return math.exp((b + 0.5) / 50) end

-- ---------------------------------------------------------------- main state: setup, done
local threads = {}
local next_id = 0

function setup(thread)
    next_id = next_id + 1
    thread:set("thread_id", next_id)
    threads[#threads + 1] = thread
end

-- ---------------------------------------------------------------- per thread
local codes, regions
local auth_headers, report_headers
local in_flight_kind, in_flight_start
local next_at
local interval_us

function init(args)
    math.randomseed(1000 + (thread_id or 0) * 7919)
    if not static then
        codes = lines(os.getenv("LOAD_CODES"))
        regions = lines(os.getenv("LOAD_REGIONS"))
        if #codes == 0 then error("LOAD_CODES: no codes") end
    end
    auth_headers = { ["Authorization"] = "Bearer " .. token }
    report_headers = {
        ["Authorization"] = "Bearer " .. token,
        ["Content-Type"] = "application/json",
    }
    if rate > 0 then interval_us = nthreads / rate * 1e6 end
    -- Per-kind results, read by done() through thread:get.
    counts, bad, hist, statuses = {}, {}, {}, {}
    for _, k in ipairs(KINDS) do
        counts[k], bad[k], hist[k] = 0, 0, {}
    end
end

-- wrk's thread:get crashes copying tables of a few hundred entries, so the histograms travel
-- to done() as a string, refreshed once a second (counts and bad answers stay exact tables).
snapshot_at = 0
function snapshot_hist()
    local parts = {}
    for _, k in ipairs(KINDS) do
        for b, c in pairs(hist[k]) do parts[#parts + 1] = k .. " " .. b .. " " .. c end
    end
    hist_text = table.concat(parts, ";")
end

local function pick_kind()
    local r = math.random() * total_weight
    for i = 1, 3 do
        r = r - (weights[i] or 0)
        if r < 0 then return KINDS[i] end
    end
    return KINDS[1]
end

local function random_code() return codes[math.random(#codes)] end
local query_turn = 0

local function mixed_request()
    local kind = pick_kind()
    local req
    if kind == "lookup" then
        req = wrk.format("GET", "/api/v1/enterprises/" .. random_code() .. "/score")
    elseif kind == "query" then
        query_turn = query_turn % 3 + 1
        if query_turn == 1 and #regions > 0 then
            local region = regions[math.random(#regions)]
            req = wrk.format("GET", "/api/v1/enterprises?region_code=" .. region ..
                "&per_page=20&page=" .. math.random(3), auth_headers)
        elseif query_turn == 2 and #regions > 0 then
            local province = string.sub(regions[math.random(#regions)], 1, 2) .. "0000"
            req = wrk.format("GET", "/api/v1/statistics/grades?region_code=" .. province, auth_headers)
        else
            req = wrk.format("GET", "/api/v1/enterprises/" .. random_code() .. "/score", auth_headers)
        end
    else
        req = wrk.format("POST", "/api/v1/enterprises/" .. random_code() .. "/reports",
            report_headers, '{"kind":"full"}')
    end
    if track then
        in_flight_kind, in_flight_start = kind, now_us()
    end
    return req
end
if not static then request = mixed_request end

if rate > 0 then
    function delay()
        local now = now_us()
        if next_at == nil then
            next_at = now + math.random() * interval_us
        else
            next_at = next_at + interval_us
        end
        -- Far behind schedule (a stall): start again from now rather than send a burst.
        if next_at < now - 1e6 then next_at = now end
        local ms = (next_at - now) / 1000
        if ms < 0 then ms = 0 end
        return ms
    end
end

if track then
    function response(status, headers, body)
        local kind = in_flight_kind
        if kind == nil then return end
        in_flight_kind = nil
        counts[kind] = counts[kind] + 1
        if status < 200 or status > 299 then
            bad[kind] = bad[kind] + 1
            local key = kind .. " " .. status
            statuses[key] = (statuses[key] or 0) + 1
        end
        local now = now_us()
        local b = bucket(now - in_flight_start)
        local h = hist[kind]
        h[b] = (h[b] or 0) + 1
        if now - snapshot_at > 1e6 then
            snapshot_hist()
            snapshot_at = now
        end
    end
end

-- ---------------------------------------------------------------- main state: the summary
local function percentile(h, n, p)
    if n == 0 then return 0 end
    local keys = {}
    for b, _ in pairs(h) do keys[#keys + 1] = b end
    table.sort(keys)
    local want, seen = math.ceil(n * p / 100), 0
    for _, b in ipairs(keys) do
        seen = seen + h[b]
        if seen >= want then return bucket_value(b) end
    end
    return bucket_value(keys[#keys])
end

function done(summary, latency, requests)
    local seconds = summary.duration / 1e6
    local e = summary.errors
    local parts = {}
    local function add(s) parts[#parts + 1] = s end
    add(string.format('{"seconds": %.3f, "requests": %d, "rps": %.1f', seconds,
        summary.requests, summary.requests / seconds))
    add(string.format(', "errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d, "status": %d}',
        e.connect, e.read, e.write, e.timeout, e.status))
    add(string.format(', "latency_ms": {"mean": %.3f, "p50": %.3f, "p90": %.3f, "p99": %.3f, "max": %.3f}',
        latency.mean / 1000, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
        latency:percentile(99) / 1000, latency.max / 1000))
    if track then
        add(', "kinds": {')
        local all_statuses = {}
        for i, k in ipairs(KINDS) do
            local n, nbad, h, hn = 0, 0, {}, 0
            for _, t in ipairs(threads) do
                n = n + t:get("counts")[k]
                nbad = nbad + t:get("bad")[k]
                for kind, b, c in string.gmatch(t:get("hist_text") or "", "(%a+) (%-?%d+) (%d+)") do
                    if kind == k then
                        b = tonumber(b)
                        h[b] = (h[b] or 0) + tonumber(c)
                        hn = hn + tonumber(c)
                    end
                end
            end
            add(string.format('%s"%s": {"requests": %d, "non_2xx": %d, "rps": %.1f, "p50_ms": %.3f, "p99_ms": %.3f}',
                i > 1 and ", " or "", k, n, nbad, n / seconds,
                percentile(h, hn, 50) / 1000, percentile(h, hn, 99) / 1000))
        end
        for _, t in ipairs(threads) do
            for key, c in pairs(t:get("statuses")) do all_statuses[key] = (all_statuses[key] or 0) + c end
        end
        add('}, "bad_statuses": {')
        local first = true
        for key, c in pairs(all_statuses) do
            add(string.format('%s"%s": %d', first and "" or ", ", key, c))
            first = false
        end
        add("}")
    end
    add("}")
    local json = table.concat(parts)
    print("LOAD_RESULT " .. json)
    local path = os.getenv("LOAD_RESULT")
    if path and path ~= "" then
        local f = assert(io.open(path, "w"))
        f:write(json, "\n")
        f:close()
    end
end
