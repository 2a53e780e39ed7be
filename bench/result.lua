-- Shared by the wrk scripts: counts response statuses per thread and prints the one RESULT line
-- that run-all.sh parses.  Load with:
--   local result = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "../result.lua")
local result = {}

-- The wrk threads, each numbered (thread:get("id")) so that scripts can split their work between them.
result.threads = {}

-- wrk's setup(): numbers and records the thread.
function result.setup(thread)
    thread:set("id", #result.threads)
    table.insert(result.threads, thread)
end

-- Adds one response of `status` to the calling thread's global `statuses` table.
function result.count(status)
    statuses[status] = (statuses[status] or 0) + 1
end

-- "202:N,500:M" over the `statuses` tables of all threads.
function result.statuses()
    local counts = {}
    for _, thread in ipairs(result.threads) do
        for status, count in pairs(thread:get("statuses")) do
            counts[status] = (counts[status] or 0) + count
        end
    end
    local parts = {}
    for status, count in pairs(counts) do table.insert(parts, status .. ":" .. count) end
    table.sort(parts)
    return table.concat(parts, ",")
end

-- Prints `RESULT rps=… p50_us=… p99_us=… requests=… statuses=… socket_errors=…`.
function result.write(summary, latency, statuses_text)
    local errors = summary.errors
    io.write(string.format(
        "RESULT rps=%.0f p50_us=%d p99_us=%d requests=%d statuses=%s socket_errors=%d\n",
        summary.requests / (summary.duration / 1e6), latency:percentile(50),
        latency:percentile(99), summary.requests, statuses_text,
        errors.connect + errors.read + errors.write + errors.timeout))
end

return result
