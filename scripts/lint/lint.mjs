// make lint: the layering rules of docs/architecture.md, no SQL outside the
// layers that own it, no db_kind() in a service, and (listed, never failed)
// long functions and files.
// cppcheck and ESLint run from the Makefile beside it. Every violation is
// printed as file:line: reason; the exit status is 1 when there is any.
import { execFileSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
process.chdir(root);

// What each layer may include (its own layer included).
const LAYERS = {
	base: ['base'],
	core: ['base', 'core'],
	store: ['base', 'store'],
	docs: ['base', 'core', 'docs'],
	http: ['base', 'http'],
	service: ['base', 'core', 'store', 'docs', 'service'],
	demo: ['base', 'core', 'store', 'docs', 'service', 'demo'],
	// Jobs own threads and connections (store) and the renderer's fonts
	// (docs); their SQL lives in service/ like everyone's.
	jobs: ['base', 'core', 'store', 'docs', 'service', 'jobs', 'app'],
	api: ['base', 'core', 'http', 'service', 'api', 'app'],
	app: ['base', 'core', 'store', 'http', 'service', 'jobs', 'api', 'app'],
	cli: ['base', 'core', 'store', 'docs', 'http', 'service', 'demo', 'jobs', 'api', 'cli', 'app'],
};

// The domain graph: a domain includes only the public header of a domain of
// strictly lower rank (so the graph has no cycle).
const DOMAIN_RANK = {
	platform: 0, account: 1, catalog: 2, hall: 2, records: 2, case: 3,
	bundle: 4, rating: 4, supervise: 5, project: 6, stats: 7,
};

// Where SQL text may be written.
const SQL_HOMES = ['src/service/', 'src/store/', 'src/demo/'];
const SQL_RE = /"(SELECT\s|INSERT\s+INTO\s|UPDATE\s+\w+\s+SET\s|DELETE\s+FROM\s|CREATE\s+(TABLE|INDEX)\s)/i;

const FUNC_MAX = 80;
const FILE_MAX = 800;

function layerOf(file) {
	const m = /^src\/([a-z]+)[/.]/.exec(file);
	if (!m) return null;
	return m[1] === 'app' ? 'app' : m[1];
}

const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', 'src'], { encoding: 'utf8' })
	.split('\n').filter((f) => /\.(c|h)$/.test(f) && existsSync(f));

const errors = [];
const longFuncs = [];
const longFiles = [];

for (const file of files) {
	const text = readFileSync(file, 'utf8');
	const lines = text.split('\n');
	const layer = layerOf(file);
	const allowed = LAYERS[layer] || [];
	const myDomain = file.startsWith('src/service/') ? file.split('/')[2] : null;

	lines.forEach((line, i) => {
		const inc = /^#include "([^"]+)"/.exec(line);
		if (inc) {
			const target = inc[1];
			const to = target === 'app.h' ? 'app' : target.includes('/') ? target.split('/')[0] : null;
			if (to && !allowed.includes(to))
				errors.push(`${file}:${i + 1}: ${layer} may not include ${target} (layers point down)`);
			if (to === 'service') {
				const [, dom, hdr] = target.split('/');
				if (dom !== myDomain) {
					if (hdr !== `${dom}.h`)
						errors.push(`${file}:${i + 1}: ${target} is internal to service/${dom}; include service/${dom}/${dom}.h`);
					else if (myDomain !== null && !(DOMAIN_RANK[dom] < DOMAIN_RANK[myDomain]))
						errors.push(`${file}:${i + 1}: domain ${myDomain} may not depend on domain ${dom} (the domain graph in docs/architecture.md)`);
				}
				if (myDomain !== null && DOMAIN_RANK[myDomain] === undefined)
					errors.push(`${file}:${i + 1}: domain ${myDomain} has no place in the domain graph (scripts/lint/lint.mjs)`);
			}
		}
		if (SQL_RE.test(line) && !SQL_HOMES.some((h) => file.startsWith(h)))
			errors.push(`${file}:${i + 1}: SQL belongs in service/ (or store/ for the dialect): ${line.trim().slice(0, 60)}`);
		if (/\bdb_kind\s*\(/.test(line) && file.startsWith('src/service/'))
			errors.push(`${file}:${i + 1}: a service writes one SQL text; what differs goes through store/ (store/dialect.c)`);
	});

	if (lines.length > FILE_MAX) longFiles.push(`${file}: ${lines.length} lines`);
	if (file.endsWith('.c')) {
		// Functions in this code base open with "{" and close with "}" in
		// column 0, their name at column 0 on the line before.
		let start = -1, name = '';
		lines.forEach((line, i) => {
			if (line === '{' && i > 0) {
				start = i;
				let j = i - 1;
				while (j > 0 && !/^[a-z_][a-z0-9_]*\(/.test(lines[j])) j--;
				name = (/^([a-z_][a-z0-9_]*)\(/.exec(lines[j]) || [])[1] || '?';
			} else if (line === '}' && start >= 0) {
				const n = i - start + 1;
				if (n > FUNC_MAX) longFuncs.push(`${file}:${start + 1}: ${name}() ${n} lines`);
				start = -1;
			}
		});
	}
}

if (longFuncs.length || longFiles.length) {
	console.log(`lint: for review (not an error): ${longFuncs.length} functions over ${FUNC_MAX} lines, ${longFiles.length} files over ${FILE_MAX} lines`);
	for (const l of longFiles) console.log(`  file ${l}`);
	for (const l of longFuncs) console.log(`  func ${l}`);
}
for (const e of errors) console.log(`lint: ${e}`);
if (errors.length) {
	console.log(`lint: ${errors.length} violation(s)`);
	process.exit(1);
}
console.log('lint: layering and SQL placement ok');
