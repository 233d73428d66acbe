-- Paces wrk at BENCH_RATE requests/s in all, each of its WRK_THREADS threads a share, whatever the latency: a
-- request is scheduled a fixed period after its thread's previous one and waits only for what is left of it.
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_usec; } timeval;
  int gettimeofday(timeval *tv, void *tz);
]]
local now_tv = ffi.new("timeval")
local function now_ms()
  ffi.C.gettimeofday(now_tv, nil)
  return tonumber(now_tv.tv_sec) * 1000 + tonumber(now_tv.tv_usec) / 1000
end
local period, scheduled
function init(args)
  period = 1000 * tonumber(os.getenv("WRK_THREADS")) / tonumber(os.getenv("BENCH_RATE"))
end
function delay()
  local now = now_ms()
  scheduled = math.max((scheduled or now) + period, now - 100)
  return math.max(0, math.floor(scheduled - now))
end
