/** The deployment headers (dist/_headers, the README's nginx snippet) carry the build's one policy. */
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { contentSecurityPolicy, headersFile, nginxHeaders } from '../../scripts/lib/contentSecurityPolicy';

test("the README's nginx snippet is the default build's headers", () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  for (const line of nginxHeaders().split('\n')) expect(readme).toContain(`  ${line}`);
});

test('the _headers file sends the header policy (with frame-ancestors) and cross-origin isolation to every path', () => {
  const file = headersFile({ modelHosts: 'https://mirror.example.org' });
  expect(file).toContain('/*\n');
  expect(file).toContain(`  Content-Security-Policy: ${contentSecurityPolicy({ modelHosts: 'https://mirror.example.org', forHeader: true })}`);
  expect(file).toContain("frame-ancestors 'none'");
  expect(file).toContain('connect-src \'self\' https://mirror.example.org');
  expect(file).toContain('  Cross-Origin-Embedder-Policy: require-corp');
});
