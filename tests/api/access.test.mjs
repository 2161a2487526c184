// Who may call what: every route of the server's route table (`onetrip
// routes`) must have a line in src/api/access.txt (`METHOD /pattern who`,
// who = comma-separated role names, `anon` for everyone, `any` for every
// logged-in account). On every database in ONETRIP_DBS each route is called
// by an anonymous client and by one account of every role; the answer class
// (refused: 401/403, otherwise allowed) must match the table. Path
// parameters name nothing that exists (id 999999, a zero hash), so an
// allowed call ends in 400/404 and changes nothing; object-level checks
// (whose case is it) are tested in the resource's own test files.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, dbKinds, Client, binPath } from '../lib/server.mjs';
import { DEMO } from '../lib/demo.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TABLE_FILE = path.join(ROOT, 'src/api/access.txt');
const ROLES = ['applicant', 'clerk', 'approver', 'dept_admin', 'hall_admin', 'supervisor', 'sysadmin'];
const ACCOUNT = {
	applicant: DEMO.person,
	clerk: DEMO.window01,
	approver: DEMO.scjg_sp,
	dept_admin: DEMO.scjg_admin,
	hall_admin: DEMO.hall,
	supervisor: DEMO.ducha,
	sysadmin: DEMO.admin,
};
const PARAM = {
	id: '999999', no: '999', sha256: '0'.repeat(64), code: 'NOSUCHCODE0000',
	action: 'nosuchaction', date: '2099-13-45',
};

// access.txt -> Map("METHOD /pattern" -> Set(who)); bad lines throw.
export function readTable(text) {
	const m = new Map();
	const known = new Set([...ROLES, 'anon', 'any']);
	text.split('\n').forEach((raw, i) => {
		const line = raw.replace(/#.*/, '').trim();
		if (!line) return;
		const parts = line.split(/\s+/);
		if (parts.length !== 3) throw new Error(`access.txt:${i + 1}: want "METHOD /pattern who": ${raw}`);
		const who = new Set(parts[2].split(','));
		for (const w of who) if (!known.has(w)) throw new Error(`access.txt:${i + 1}: unknown role ${w}`);
		const key = `${parts[0]} ${parts[1]}`;
		if (m.has(key)) throw new Error(`access.txt:${i + 1}: ${key} twice`);
		m.set(key, who);
	});
	return m;
}

function routeList() {
	const out = execFileSync(binPath(), ['routes'], {
		encoding: 'utf8', env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' },
	});
	return out.trim().split('\n').map((l) => {
		const [method, pattern, own] = l.split(' ');
		return { method, pattern, own, key: `${method} ${pattern}` };
	});
}

function allowedBy(who, role) {
	if (who.has('anon')) return true;
	if (role === null) return false;
	return who.has('any') || who.has(role);
}

function fill(pattern) {
	return pattern.replace(/:([a-z0-9_]+)/g, (_, n) => PARAM[n] ?? '999999');
}

const routes = routeList();
const table = readTable(readFileSync(TABLE_FILE, 'utf8'));

test('every route has a line in src/api/access.txt, and every line a route', () => {
	const missing = routes.filter((r) => !table.has(r.key)).map((r) => r.key);
	assert.deepEqual(missing, [], `routes without a line in src/api/access.txt: ${missing.join('; ')}`);
	const have = new Set(routes.map((r) => r.key));
	const stale = [...table.keys()].filter((k) => !have.has(k));
	assert.deepEqual(stale, [], `lines in src/api/access.txt without a route: ${stale.join('; ')}`);
});

test('the table is never wider than the route\'s own rule', () => {
	const wider = [];
	for (const r of routes) {
		const who = table.get(r.key);
		if (!who) continue;
		const own = new Set(r.own.split(','));
		for (const role of [null, ...ROLES]) {
			if (allowedBy(who, role) && !allowedBy(own, role)) wider.push(`${r.key} ${role ?? 'anon'}`);
		}
	}
	assert.deepEqual(wider, [], `table allows what the route refuses: ${wider.join('; ')}`);
});

for (const db of dbKinds()) {
	describe(`role x endpoint (${db})`, () => {
		let srv;
		const clients = new Map();

		before(async () => {
			srv = await startServer({ db, args: ['--no-jobs'] });
			clients.set(null, new Client(srv.url));
			for (const role of ROLES) {
				const c = new Client(srv.url);
				await c.login(ACCOUNT[role], DEMO.password);
				clients.set(role, c);
			}
		});
		after(async () => {
			if (srv) assert.equal(await srv.stop(), 0);
		});

		test('every route answers every role as src/api/access.txt says', async () => {
			const wrong = [];
			for (const r of routes) {
				const who = table.get(r.key);
				if (!who) continue;
				for (const role of [null, ...ROLES]) {
					let c = clients.get(role);
					if (r.key === 'POST /api/auth/logout' && role !== null) {
						// Logging out must not end the shared session.
						c = new Client(srv.url);
						await c.login(ACCOUNT[role], DEMO.password);
					}
					const body = r.method === 'GET' ? undefined : {};
					const res = await c.request(r.method, fill(r.pattern), body);
					const refused = res.status === 401 || res.status === 403;
					const want = allowedBy(who, role);
					if (refused === want) {
						wrong.push(`${r.key} ${role ?? 'anon'}: ${res.status} (table: ${want ? 'allowed' : 'refused'})`);
					}
				}
			}
			assert.deepEqual(wrong, [], `answers that differ from src/api/access.txt:\n${wrong.join('\n')}`);
		});
	});
}
