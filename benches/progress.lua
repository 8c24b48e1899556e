-- wrk script: progress updates (POST /tasks/{id}/progress, multipart, as the browser sends it).
-- Run with as many threads as connections (-t N -c N): each thread then has one connection and
-- one task of its own, and counts that task's version up after every accepted update, so no
-- update is refused as a stale edit.
--
-- Environment: BENCH_TASKS = "id:version,id:version,…" (at least one per thread),
-- BENCH_COOKIE, BENCH_CSRF, BENCH_ORIGIN.

local tasks = {}
for id, version in string.gmatch(os.getenv("BENCH_TASKS") or "", "(%d+):(%d+)") do
  tasks[#tasks + 1] = { id = id, version = tonumber(version) }
end
local counter = 0
local threads = {}

function setup(thread)
  counter = counter + 1
  thread:set("slot", counter)
  threads[#threads + 1] = thread
end

local boundary = "----rtp-bench-boundary"
local task, sent = nil, 0
accepted = 0

local function part(name, value)
  return "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"" .. name .. "\"\r\n\r\n"
    .. value .. "\r\n"
end

function init(args)
  task = tasks[slot]
  if task == nil then
    error("BENCH_TASKS has fewer tasks than threads")
  end
end

function request()
  sent = sent + 1
  local body = part("_csrf", os.getenv("BENCH_CSRF"))
    .. part("version", tostring(task.version))
    .. part("status", "in_progress")
    .. part("percent", tostring(10 + sent % 80))
    .. part("note", "Cập nhật tiến độ lần " .. sent .. " (đo tải)")
    .. "--" .. boundary .. "--\r\n"
  return wrk.format("POST", "/tasks/" .. task.id .. "/progress", {
    ["Content-Type"] = "multipart/form-data; boundary=" .. boundary,
    ["Cookie"] = os.getenv("BENCH_COOKIE"),
    ["Origin"] = os.getenv("BENCH_ORIGIN"),
  }, body)
end

function response(status, headers, body)
  -- A 303 back to the task is an accepted update: the task is one version further.
  local location = headers["Location"] or headers["location"] or ""
  if status == 303 and location:sub(1, 7) == "/tasks/" then
    task.version = task.version + 1
    accepted = accepted + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("accepted")
  end
  io.write(string.format("accepted updates: %d of %d requests\n", total, summary.requests))
end
