/**
 * Makes a directory any static web server, object store or CDN can serve as a Hearth model host:
 *
 *   npm run mirror -- <catalog or repository ids…> --out DIR [--host URL]
 *
 * Every file (and MLC model library) is downloaded from the host (default $HEARTH_MODEL_HOST,
 * then https://huggingface.co), verified against its SHA-256 (or, for a small non-LFS file, the
 * git blob id its tree lists) and only then written. Running it again keeps verified files and
 * adds new entries to the mirror's hearth-catalog.json. See README, "A mirror for your organisation".
 */
import { resolve } from 'node:path';
import { TypedError } from '../workers/shared/errors';
import { MirrorError } from './lib/mirrorPlan';
import { makeMirror } from './lib/mirrorRun';
import { defaultHost } from './lib/pinRepo';

const usage = 'Usage: npm run mirror -- <catalog or repository ids…> --out DIR [--host URL]';

function parseArgs(argv: string[]): { ids: string[]; out: string; host: string } {
  const ids: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') throw new MirrorError(usage);
    if (arg.startsWith('--')) {
      const [name, inline] = arg.slice(2).split('=', 2);
      if (name !== 'out' && name !== 'host') throw new MirrorError(`Unknown option ${arg}\n${usage}`);
      const value = inline ?? argv[++i];
      if (!value) throw new MirrorError(`--${name} needs a value\n${usage}`);
      flags.set(name, value);
    } else ids.push(arg);
  }
  const out = flags.get('out');
  if (ids.length === 0 || !out) throw new MirrorError(usage);
  return { ids, out: resolve(out), host: flags.get('host') ?? process.env.HEARTH_MODEL_HOST ?? defaultHost };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const summary = await makeMirror({ ...args, log: (line) => console.log(line) });
  console.log(
    `\nMirrored ${summary.entries.length} ${summary.entries.length === 1 ? 'entry' : 'entries'} into ${args.out}: ${summary.downloaded} files downloaded (${summary.bytes} bytes), ${summary.kept} already there, every one verified.` +
      `\nServe the directory with Range and CORS (README: "A mirror for your organisation") and set its address as the model host in Hearth's Settings.`,
  );
}

main().catch((error: unknown) => {
  const known = error instanceof MirrorError || error instanceof TypedError;
  console.error(known ? `mirror: ${error.message}` : error);
  process.exitCode = 1;
});
