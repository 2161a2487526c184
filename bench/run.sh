#!/bin/sh
# Runs every benchmark in turn, on SQLite and PostgreSQL, then prints one
# summary table (what, database, value, target, met?). What the scripts
# create is removed at the end, with the captured outputs.
#   bench/run.sh          1,000,000 cases, 10 s per measurement (about 30 min)
#   bench/run.sh quick    100,000 cases, 5 s per measurement (about 10 min)
set -u
cd "$(dirname "$0")"
if [ "${1:-}" = quick ]; then
	CASES=100000 SECS=5
else
	CASES=1000000 SECS=10
fi
OUT=$(mktemp -d "${BENCH_DIR:-/tmp}/onetrip-run.XXXXXX")
# What each benchmark made is moved here and removed at the end, not
# between benchmarks (bench/lib.sh work_remove).
BENCH_TRASH=$OUT/trash
export BENCH_TRASH
trap 'rm -rf "$OUT"' EXIT
FAILED=

# step NAME COMMAND...: runs one benchmark, shows and keeps its output.
step() {
	name=$1; shift
	echo "== $name: bench/$*"
	if ! "./$@" > "$OUT/$name.txt" 2>&1; then
		FAILED="$FAILED $name"
		echo "(bench/$1 failed)"
	fi
	cat "$OUT/$name.txt"
}

step http http.sh "$SECS" 64
step lookup1 lookup.sh "$CASES" "$SECS" 1
step lookup4 lookup.sh "$CASES" "$SECS" 4
step indicators indicators.sh "$CASES" 20000 5  # the scoreboard, 20,000 catalogue items (README "Indicators")
step lives lives.sh "$SECS" 16
# Right after the lives, on the same cores: the peer workflow engine.
step peer peer.sh "$SECS" 16 "$OUT/lives.txt"
[ -x docs.sh ] && step docs docs.sh "$SECS" 16

echo
echo "== summary ($(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg); bench/run.sh ${1:-})"
node - "$OUT" <<'EOF'
const fs = require('fs');
const path = require('path');
const dir = process.argv[2];
const read = (n) => { try { return fs.readFileSync(path.join(dir, n + '.txt'), 'utf8').split('\n'); } catch { return []; } };
const rows = [];
const add = (what, db, value, target, met) => rows.push([what, db, value, target, met === undefined ? '—' : met ? 'yes' : 'NO']);
const ms = (s) => { const m = /^([\d.]+)(us|ms|s)$/.exec(s || ''); return m ? Number(m[1]) * (m[2] === 'us' ? 1e-3 : m[2] === 's' ? 1e3 : 1) : NaN; };

// bench/http.sh
for (const l of read('http')) {
	const m = /^(sqlite|postgresql)\s+(\S+ \S+)\s+([\d.]+) req\/s/.exec(l);
	if (m) add(`${m[2]} req/s (64 connections)`, m[1], Number(m[3]).toFixed(0), '—');
}
// bench/lookup.sh: generator, then p99 per request kind.
const names = { inbox: 'inbox, first page', 'inbox-next': 'inbox, next page', 'lookup-no': 'look-up by case number', 'lookup-idno': 'look-up by ID number' };
for (const [file, conns, target] of [['lookup1', 1, 5], ['lookup4', 4, 10]]) {
	for (const l of read(file)) {
		let m = /^(sqlite|postgresql): generated (\d+) cases.* in ([\d.]+) s/.exec(l);
		if (m && conns === 1) add(`generator: ${m[2]} cases loaded`, m[1], `${m[3]} s`, '—');
		m = /^(sqlite|postgresql)\s+(\S+)\s+([\d.]+) req\/s\s+p50\s+(\S+)\s+p99\s+(\S+)/.exec(l);
		if (m && names[m[2]]) {
			const p99 = ms(m[5]);
			add(`${names[m[2]]}, p99, ${conns} conn.`, m[1], m[5], `< ${target} ms`, p99 < target);
		}
	}
}
// bench/indicators.sh: every scoreboard answer in under one second, the
// first one after the new items (imported, their facts written by
// `onetrip indicators facts`) included.
for (const l of read('indicators')) {
	const m = /^(sqlite|postgresql)\s+(\/api\/\S+)\s+first\s+([\d.]+) ms\s+median\s+([\d.]+) ms\s+max\s+([\d.]+) ms/.exec(l);
	if (!m) continue;
	add(`scoreboard ${m[2]}: slowest (first after new items)`, m[1], `${m[5]} ms (${m[3]} ms)`, '< 1000 ms',
		Number(m[5]) < 1000 && Number(m[3]) < 1000);
}
// bench/lives.sh
const livesTarget = { sqlite: { window: 1500, dept: 1087 }, postgresql: { window: 700, dept: 495 } };
let db = null;
const flows = { window: 'window lives/s (4 requests)', instant: '即办 lives/s (2 requests)', dept: 'department lives/s (6 requests)' };
for (const l of read('lives')) {
	let m = /^(sqlite|postgresql)\s+(window|instant|dept)\s+([\d.]+) lives\/s/.exec(l);
	if (m) {
		db = m[1];
		const t = livesTarget[db][m[2]];
		add(flows[m[2]], db, m[3], t ? `≥ ${t}` : '—', t ? Number(m[3]) >= t : undefined);
		continue;
	}
	m = /server CPU per life: ([\d.]+) ms(?:, PostgreSQL CPU per life: ([\d.]+) ms)?/.exec(l);
	if (m && db) add('  server CPU per life' + (m[2] ? ' (+ PostgreSQL)' : ''), db, m[2] ? `${m[1]} + ${m[2]} ms` : `${m[1]} ms`, '—');
	m = /^(sqlite|postgresql)\s+(window|dept)\s+per life: ([\d.]+) write transactions.*, ([\d.]+) statements/.exec(l);
	if (m) add(`${m[2]} life: write transactions / statements`, m[1], `${m[3]} / ${m[4]}`, '—');
	m = /^(sqlite|postgresql)\s+(window|dept)\s+per life: ([\d.]+) fsync/.exec(l);
	if (m) add(`${m[2]} life: fsync calls`, m[1], m[3], '—');
	m = /^(sqlite|postgresql)\s+documents: .*: ([\d.]+) documents\/s/.exec(l);
	if (m) add('documents rendered and sealed /s (jobs run-once)', m[1], m[2], '—');
}
// bench/peer.sh
for (const l of read('peer')) {
	let m = /^peer\s+(bpmn-engine \S+): ([\d.]+) instances\/s/.exec(l);
	if (m) add(`peer: ${m[1]} instances/s (4 tasks, durable)`, '(file)', m[2], '—');
	m = /^ratio\s+(sqlite|postgresql)\s+.*= ([\d.]+)$/.exec(l);
	if (m) add('onetrip window lives : peer instances', m[1], `${m[2]} ×`, '—');
}
// bench/docs.sh (when present): the PDF step alone, the renderer alone on a
// backlog, the renderer beside window lives in one server (as fast as the
// clients can, then at a steady rate).
for (const l of read('docs')) {
	let m = /^pdf alone: \d+ documents, ([\d.]+) ms CPU per document/.exec(l);
	if (m) add('PDF step alone, CPU per document', '—', `${m[1]} ms`, '—');
	m = /^(sqlite|postgresql)\s+file system: ([\d.]+) us per new/.exec(l);
	if (m) add('file system: a new 50 kB file, before the renderer', m[1], `${m[2]} µs`, '—');
	m = /^(sqlite|postgresql)\s+renderer alone: .*: ([\d.]+) documents\/s, ([\d.]+) ms server CPU/.exec(l);
	if (m) {
		add('documents sealed /s (renderer alone)', m[1], m[2], '≥ 1000', Number(m[2]) >= 1000);
		add('  server CPU per document', m[1], `${m[3]} ms`, '—');
	}
	m = /^(sqlite|postgresql)\s+sustained: ([\d.]+) window lives\/s.*backlog max (\d+);.*p99 ([\d.]+) s, max ([\d.]+) s/.exec(l);
	if (m) {
		const t = m[1] === 'sqlite' ? 400 : null;
		add('window lives/s with the renderer in the server', m[1], m[2], t ? `≥ ${t}` : '—', t ? Number(m[2]) >= t : undefined);
		add('  document wait, action → sealed, max', m[1], `${m[5]} s (p99 ${m[4]} s, backlog max ${m[3]})`, '≤ 10 s', Number(m[5]) <= 10);
		const g = /backlog growth during the load ([\d.]+) documents\/s/.exec(l);
		if (g) add('  backlog growth during the load (0: sustainable)', m[1], `${g[1]} documents/s`, '—');
	}
	// The same at a steady rate: met when the lives kept the rate asked
	// (2 % for the start and end of the run), no document waited over 10 s
	// and the backlog did not grow (at most 2 % of the documents a second
	// made: a backlog that grows makes the waits of a longer load pass any
	// bound, so the rate is not sustained).
	m = /^(sqlite|postgresql)\s+paced: ([\d.]+) window lives\/s of ([\d.]+) asked \((\d+) lives in (\d+) s[^)]*\), (\d+) documents;.*p99 ([\d.]+) s, max ([\d.]+) s;.*backlog growth during the load ([\d.]+) documents\/s/.exec(l);
	if (m) {
		const kept = Number(m[2]) >= 0.98 * Number(m[3]);
		const growth = Number(m[9]), perSec = Number(m[6]) / Number(m[5]);
		const sustained = growth <= 0.02 * perSec;
		add(`window lives/s at a steady ${m[3]}/s for ${m[5]} s, renderer in the server`, m[1], m[2], '≥ 400, kept', kept && Number(m[3]) >= 400 && Number(m[8]) <= 10 && sustained);
		add('  document wait, action → sealed, max', m[1], `${m[8]} s (p99 ${m[7]} s)`, '≤ 10 s', Number(m[8]) <= 10);
		add('  backlog growth during the load', m[1], `${growth} documents/s (${(100 * growth / perSec).toFixed(1)} % of ${perSec.toFixed(0)} made a second)`, '≤ 2 %', sustained);
	}
}
const head = ['what', 'database', 'value', 'target', 'met?'];
const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
const line = (r) => '| ' + r.map((c, i) => String(c).padEnd(w[i])).join(' | ') + ' |';
console.log(line(head));
console.log('|' + w.map((n) => '-'.repeat(n + 2)).join('|') + '|');
for (const r of rows) console.log(line(r));
EOF
[ -z "$FAILED" ] || { echo "failed:$FAILED"; exit 1; }
