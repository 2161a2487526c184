-- wrk script: requests read from a file of "token<TAB>path" lines (the
-- first argument after --), taken in turn, each thread from its own
-- starting point. An empty token sends no Authorization header.
local reqs = {}
local i = 0

function init(args)
	for line in io.lines(args[1]) do
		local tok, path = line:match("^([^\t]*)\t(.+)$")
		if path then
			local h = {}
			if tok ~= "" then h["Authorization"] = "Bearer " .. tok end
			reqs[#reqs + 1] = wrk.format("GET", path, h)
		end
	end
	math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 1000)
	i = math.random(#reqs)
end

function request()
	i = i % #reqs + 1
	return reqs[i]
end
