# SPDX-License-Identifier: GPL-2.0
# prom_check.awk: the rules of the Prometheus text exposition format
# (0.0.4) and of Prometheus' metric naming that smmctl stats must keep,
# checked line by line in POSIX awk (busybox awk in the VM, where
# promtool is not), for the host test and the selftest alike:
#
#   awk -f prom_check.awk FILE     prints "prom_check: N families, M samples"
#                                  and exits 0, or one "prom_check: line L:
#                                  why" per problem and exits 1
#
#  - every line is "# HELP name text", "# TYPE name type" or a sample;
#    no blank lines, no other comments
#  - each family has one HELP, then one TYPE (counter or gauge), before
#    its first sample; its samples come together, no family twice
#  - every sample's name is a declared family's; names start "shadowmm_"
#    and are [a-z0-9_] only
#  - counters end in "_total" and nothing else does; counter values are
#    not negative
#  - no unit but base ones: no _kilobytes, _kb, _pages, _milliseconds ...
#  - labels: name="value", names [a-zA-Z_][a-zA-Z0-9_]*, not twice in a
#    sample, values with no escape but \\, \" and \n and no raw newline
#    or unescaped quote; no series (name and labels) twice
#  - values are numbers (or NaN, +Inf, -Inf)

function bad(msg) {
	printf "prom_check: line %d: %s\n", NR, msg
	errors++
}

# the labels of a sample, "{...}" at the start of s: "" or the problem;
# sets rest to what follows the closing brace
function parse_labels(s,    i, c, name, seen, n) {
	i = 2
	n = split("", seen)
	while (1) {
		c = substr(s, i, 1)
		if (c == "}" && n == 0)
			break
		if (!match(substr(s, i), /^[a-zA-Z_][a-zA-Z0-9_]*/))
			return "bad label name at \"" substr(s, i, 10) "\""
		name = substr(s, i, RLENGTH)
		if (name in seen)
			return "label " name " twice"
		seen[name] = 1
		n++
		i += RLENGTH
		if (substr(s, i, 2) != "=\"")
			return "label " name " without =\"value\""
		i += 2
		while (1) {
			c = substr(s, i, 1)
			if (c == "")
				return "label " name ": value not closed"
			if (c == "\"")
				break
			if (c == "\\") {
				c = substr(s, i + 1, 1)
				if (c != "\\" && c != "\"" && c != "n")
					return "label " name ": bad escape \\" c
				i += 2
				continue
			}
			i++
		}
		i++
		c = substr(s, i, 1)
		if (c == "}")
			break
		if (c != ",")
			return "label " name ": expected , or } after the value"
		i++
	}
	rest = substr(s, i + 1)
	return ""
}

BEGIN {
	errors = 0
	families = 0
	samples = 0
	current = ""
}

/^# HELP / {
	name = $3
	if (name in help)
		bad("HELP of " name " twice")
	if (name in closed)
		bad("HELP of " name " after its family ended")
	help[name] = 1
	if (NF < 4)
		bad("HELP of " name " has no text")
	if (current != "" && current != name)
		closed[current] = 1
	current = name
	next
}

/^# TYPE / {
	name = $3
	if (!(name in help))
		bad("TYPE of " name " before its HELP")
	if (name in type)
		bad("TYPE of " name " twice")
	if (NF != 4 || ($4 != "counter" && $4 != "gauge"))
		bad("TYPE of " name " is not counter or gauge: \"" $0 "\"")
	type[name] = $4
	families++
	if (name !~ /^shadowmm_[a-z0-9_]+$/)
		bad("family name " name " is not shadowmm_[a-z0-9_]+")
	if ($4 == "counter" && name !~ /_total$/)
		bad("counter " name " does not end in _total")
	if ($4 != "counter" && name ~ /_total$/)
		bad("gauge " name " ends in _total")
	if (name ~ /_(kilo|mega|giga)?bytes_|_(kilobytes|megabytes|kb|mb|kib|mib|pages|milliseconds|ms|percent)(_total)?$/)
		bad("family name " name " is not in base units")
	next
}

/^#/ {
	bad("a comment that is neither HELP nor TYPE")
	next
}

/^$/ {
	bad("an empty line")
	next
}

{
	if (!match($0, /^[a-zA-Z_:][a-zA-Z0-9_:]*/)) {
		bad("not a sample: \"" $0 "\"")
		next
	}
	name = substr($0, 1, RLENGTH)
	rest = substr($0, RLENGTH + 1)
	labels = ""
	if (substr(rest, 1, 1) == "{") {
		why = parse_labels(rest)
		if (why != "") {
			bad(why)
			next
		}
		labels = substr($0, length(name) + 1, length($0) - length(name) - length(rest))
	}
	samples++
	if (!(name in type)) {
		bad("sample of " name " without HELP and TYPE before it")
	} else if (name != current || (name in closed)) {
		bad("sample of " name " apart from the rest of its family")
	}
	if ((name labels) in series)
		bad("series " name labels " twice")
	series[name labels] = 1
	if (rest !~ /^ [^ ]+$/) {
		bad("sample of " name ": expected one space and a value, saw \"" rest "\"")
		next
	}
	value = substr(rest, 2)
	if (value !~ /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/ && value != "NaN" &&
	    value != "+Inf" && value != "-Inf")
		bad("sample of " name ": value \"" value "\" is not a number")
	else if (type[name] == "counter" && value ~ /^-/)
		bad("counter " name " is negative")
}

END {
	for (name in help)
		if (!(name in type))
			printf "prom_check: HELP of %s without a TYPE\n", name
	for (name in help)
		if (!(name in type))
			errors++
	if (errors)
		exit 1
	printf "prom_check: %d families, %d samples\n", families, samples
}
