// Sizes of the built front end (web/dist): the largest JavaScript chunk and
// what the first page loads before any route (index.html's script, its
// modulepreloads and stylesheets), raw and gzip. `npm run sizes` after a build.
import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const kb = (n) => (n / 1024).toFixed(1) + ' kB';
const size = (file) => {
  const b = readFileSync(join(dist, file));
  return { raw: b.length, gz: gzipSync(b, { level: 9 }).length };
};

const js = readdirSync(join(dist, 'assets')).filter((f) => f.endsWith('.js'));
const largest = js.map((f) => ({ f, ...size('assets/' + f) })).sort((a, b) => b.raw - a.raw)[0];
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const refs = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(js|css))"/g)];
const first = { js: { raw: 0, gz: 0 }, css: { raw: 0, gz: 0 } };
for (const [, file, ext] of refs) {
  const s = size(file);
  first[ext].raw += s.raw;
  first[ext].gz += s.gz;
}
console.log(`chunks: ${js.length} JavaScript files`);
console.log(`largest chunk: ${largest.f} ${kb(largest.raw)} (gzip ${kb(largest.gz)})`);
console.log(`first page JS: ${kb(first.js.raw)} (gzip ${kb(first.js.gz)}), CSS: ${kb(first.css.raw)} (gzip ${kb(first.css.gz)})`);
