/**
 * `npm run demo`: builds the app, starts a local model host with generated test models, and
 * serves the built app pointed at it. The whole flow works with no network.
 *   --port 4173        app port          --host-port 8790   model host port
 *   --scale tiny|1b    add the ~770 MB Llama-1B-sized MLC set
 */
import { build, preview } from 'vite';
import { defaultTestRepos, startModelHost } from '../tests/fixtures/modelHost';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const appPort = Number(arg('port', '4173'));
const hostPort = Number(arg('host-port', '8790'));
const scale = arg('scale', 'tiny') === '1b' ? '1b' : 'tiny';

await build({ logLevel: 'warn' });
const host = await startModelHost({ port: hostPort, repos: defaultTestRepos({ scale }) });
const server = await preview({ preview: { port: appPort, strictPort: true, host: '127.0.0.1' } });
const url = `http://127.0.0.1:${appPort}/?modelHost=${encodeURIComponent(host.url)}`;
console.log(`\nHearth demo\n  app:        ${url}\n  model host: ${host.url} (generated test models: ${[...host.commits.keys()].join(', ')})\n\nPress Ctrl+C to stop.`);

const stop = (): void => {
  void Promise.all([host.close(), server.close()]).then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
