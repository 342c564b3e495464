/**
 * Pins the catalog entries of a repository to a commit, with every file's size and SHA-256.
 *
 *   npm run pin -- <owner/name> <revision> [--host <baseUrl>] [--catalog <path>]
 *
 * The host defaults to $HEARTH_MODEL_HOST, then https://huggingface.co. The revision may be a
 * branch or tag; the catalog always receives the commit it resolves to.
 */
import { fileURLToPath } from 'node:url';
import { defaultCatalogPath } from './lib/catalogFile';
import { TypedError } from '../workers/shared/errors';
import { PinError, defaultHost, formatPinSummary, pinRepo } from './lib/pinRepo';

const usage = 'Usage: npm run pin -- <owner/name> <revision> [--host <baseUrl>] [--catalog <path>]';

interface Args {
  repo: string;
  revision: string;
  host: string;
  catalogPath: string;
}

function parseArgs(argv: string[]): Args {
  const positional: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') throw new PinError(usage);
    if (arg.startsWith('--')) {
      const [name, inline] = arg.slice(2).split('=', 2);
      if (name !== 'host' && name !== 'catalog') throw new PinError(`Unknown option ${arg}\n${usage}`);
      const value = inline ?? argv[++i];
      if (!value) throw new PinError(`--${name} needs a value\n${usage}`);
      flags.set(name, value);
    } else {
      positional.push(arg);
    }
  }
  if (positional.length !== 2) throw new PinError(usage);
  return {
    repo: positional[0],
    revision: positional[1],
    host: flags.get('host') ?? process.env.HEARTH_MODEL_HOST ?? defaultHost,
    catalogPath: flags.get('catalog') ?? fileURLToPath(defaultCatalogPath),
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const result = await pinRepo(args);
  console.log(formatPinSummary(result, args.catalogPath));
}

main().catch((error: unknown) => {
  const known = error instanceof PinError || error instanceof TypedError;
  console.error(known ? `pin: ${error.message}` : error);
  process.exitCode = 1;
});
