// GET /metrics in the Prometheus text format: every sample line parses,
// requests are counted under their route pattern (never the raw path),
// histograms are cumulative with +Inf equal to the count, and the queue
// gauges (document and outbox backlog, warnings, job lags) are there.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, dbKinds, rawRequest, haveBinary } from '../lib/server.mjs';

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (-?[0-9.eE+-]+|\+Inf|NaN)$/;

function parse(text) {
	const samples = [];
	const types = new Map();
	for (const line of text.split('\n')) {
		if (line === '') continue;
		if (line.startsWith('# TYPE ')) {
			const [, , name, type] = line.split(' ');
			types.set(name, type);
			continue;
		}
		if (line.startsWith('#')) continue;
		const m = SAMPLE.exec(line);
		assert.ok(m, `not a Prometheus sample line: ${line}`);
		const labels = {};
		if (m[3]) for (const kv of m[3].match(/[a-z_]+="[^"]*"/g)) {
			const i = kv.indexOf('=');
			labels[kv.slice(0, i)] = kv.slice(i + 2, -1);
		}
		samples.push({ name: m[1], labels, value: Number(m[4]) });
	}
	return { samples, types };
}

describe('metrics', { skip: !haveBinary() }, () => {
	for (const db of dbKinds()) {
		describe(db, () => {
			let srv;
			before(async () => { srv = await startServer({ db }); });
			after(async () => { await srv?.stop(); });

			test('Prometheus text with routes, histograms and queue depths', async () => {
				for (let i = 0; i < 3; i++) await rawRequest(srv.url + '/api/guide/items?limit=5');
				await rawRequest(srv.url + '/api/cases/987654');
				await rawRequest(srv.url + '/api/no-such-route');
				const r = await rawRequest(srv.url + '/metrics');
				assert.equal(r.status, 200);
				assert.match(r.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
				const text = r.text;
				const { samples, types } = parse(text);
				assert.equal(types.get('onetrip_http_requests_total'), 'counter');
				assert.equal(types.get('onetrip_http_request_duration_seconds'), 'histogram');
				const guide = samples.find((s) => s.name === 'onetrip_http_requests_total' &&
					s.labels.route === '/api/guide/items' && s.labels.code === '2xx');
				assert.ok(guide && guide.value >= 3, 'guide requests counted');
				// Counted by pattern: no raw id or unknown path becomes a series.
				assert.ok(!text.includes('987654'));
				assert.ok(!text.includes('no-such-route'));
				assert.ok(samples.some((s) => s.labels.route === '/api/cases/:id'));
				assert.ok(samples.some((s) => s.labels.route === '(unmatched)'));
				const buckets = samples.filter((s) => s.name === 'onetrip_http_request_duration_seconds_bucket' &&
					s.labels.route === '/api/guide/items' && s.labels.method === 'GET');
				for (let i = 1; i < buckets.length; i++) assert.ok(buckets[i].value >= buckets[i - 1].value);
				const count = samples.find((s) => s.name === 'onetrip_http_request_duration_seconds_count' &&
					s.labels.route === '/api/guide/items' && s.labels.method === 'GET');
				assert.equal(buckets.at(-1).labels.le, '+Inf');
				assert.equal(buckets.at(-1).value, count.value);
				for (const g of ['onetrip_documents_backlog', 'onetrip_documents_failed', 'onetrip_outbox_backlog',
					'onetrip_outbox_dead', 'onetrip_warnings_pending']) {
					const s = samples.find((x) => x.name === g);
					assert.ok(s && s.value >= 0, g);
					assert.equal(types.get(g), 'gauge');
				}
				const lags = samples.filter((s) => s.name === 'onetrip_job_lag_seconds').map((s) => s.labels.job);
				assert.deepEqual(lags.sort(), ['outbox', 'renderer']);
			});
		});
	}
});
