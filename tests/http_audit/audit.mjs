// The GraphQL-over-HTTP spec's own audit (graphql-http's auditServer) against a running Carnet.
// Usage: CARNET_URL=http://127.0.0.1:8000/graphql CARNET_TOKEN=... node audit.mjs
// Prints one line per audit and a summary as JSON on the last line; exits 1 unless every audit is ok
// (a MAY that is not met is a "notice": counted too, so nothing slips by unseen).
import { auditServer } from 'graphql-http';

const url = process.env.CARNET_URL;
const token = process.env.CARNET_TOKEN;
if (!url || !token) {
  console.error('audit.mjs: set CARNET_URL and CARNET_TOKEN');
  process.exit(2);
}

// Every audit request carries the bearer token, as any real client of Carnet does.
const fetchFn = (input, init = {}) => {
  const headers = new Headers(init.headers || {});
  headers.set('authorization', `Bearer ${token}`);
  return fetch(input, { ...init, headers });
};

const results = await auditServer({ url, fetchFn });
const counts = { ok: 0, notice: 0, warn: 0, error: 0 };
for (const result of results) {
  counts[result.status] += 1;
  const detail = result.status === 'ok' ? '' : `: ${result.reason}`;
  console.log(`${result.status.padEnd(5)} ${result.id} ${result.name}${detail}`);
}
console.log(JSON.stringify({ total: results.length, ...counts }));
process.exit(counts.ok === results.length ? 0 : 1);
