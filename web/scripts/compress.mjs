// Pre-compresses the built text assets (x → x.gz) so the server can send them as-is,
// and fails the build if the widget grows past its size budget.
import { gzipSync } from 'node:zlib';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dist = new URL('../dist/', import.meta.url).pathname;
const WIDGET_BUDGET = 40 * 1024;

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (/\.(js|css|html|svg|json)$/.test(name)) writeFileSync(p + '.gz', gzipSync(readFileSync(p), { level: 9 }));
  }
}
walk(dist);
const size = statSync(join(dist, 'widget.js.gz')).size;
console.log(`widget.js: ${statSync(join(dist, 'widget.js')).size} bytes, ${size} gzipped (budget ${WIDGET_BUDGET})`);
if (size > WIDGET_BUDGET) {
  console.error('widget.js is over its gzip budget');
  process.exit(1);
}
