/**
 * The app's Content-Security-Policy, built once at build time (vite.config.ts puts it in a
 * `<meta>` of the built index.html and in the preview server's headers).
 *
 * `connect-src` must name every host models can come from, and the host is a runtime setting,
 * so the list is fixed at build time: `VITE_MODEL_HOSTS` (space-separated origins, wildcards
 * allowed) or, by default, Hugging Face and the CDNs it redirects file downloads to, plus the
 * origin of `VITE_MODEL_HOST` when set. Loopback origins (`http://127.0.0.1:*`,
 * `http://localhost:*`) are allowed too, for `npm run demo`, the tests and a mirror on the same
 * machine: traffic to them cannot leave the device. `VITE_CSP_LOOPBACK=false` drops them.
 */

/** Hugging Face, the CDNs its `resolve/` URLs redirect to, and where web-llm model libraries live. */
export const defaultModelHosts = [
  'https://huggingface.co',
  'https://*.huggingface.co',
  'https://*.hf.co',
  'https://raw.githubusercontent.com',
];

/** Origins on this machine. */
export const loopbackHosts = ['http://127.0.0.1:*', 'http://localhost:*'];

export interface CspOptions {
  /** Space-separated origins; replaces the default Hugging Face list. */
  modelHosts?: string;
  /** The build's default model host (`VITE_MODEL_HOST`); its origin is always allowed. */
  defaultHost?: string;
  /** Allow loopback origins (default true). */
  loopback?: boolean;
}

/** The origins `connect-src` allows besides the app's own. */
export function modelHostSources(options: CspOptions = {}): string[] {
  const listed = options.modelHosts?.trim() ? options.modelHosts.trim().split(/\s+/) : defaultModelHosts;
  const sources = new Set(listed);
  if (options.defaultHost) sources.add(new URL(options.defaultHost).origin);
  if (options.loopback !== false) for (const h of loopbackHosts) sources.add(h);
  return [...sources];
}

/**
 * The policy. `'wasm-unsafe-eval'` lets the engines compile WebAssembly (and nothing else);
 * `worker-src blob:` is for wllama, which starts llama.cpp's worker (and its threads) from a
 * `blob:` URL made of code in its own bundle; `img-src blob:` is for the benchmark's PNG, drawn
 * from the app's own SVG (a `blob:` URL only this page can make, so nothing is fetched). Directives a `<meta>` cannot carry
 * (`frame-ancestors`) are added only with `forHeader`.
 */
export function contentSecurityPolicy(options: CspOptions & { forHeader?: boolean } = {}): string {
  const directives: [string, ...string[]][] = [
    ['default-src', "'self'"],
    ['script-src', "'self'", "'wasm-unsafe-eval'"],
    ['worker-src', "'self'", 'blob:'],
    ['connect-src', "'self'", ...modelHostSources(options)],
    ['style-src', "'self'"],
    ['img-src', "'self'", 'blob:'],
    ['object-src', "'none'"],
    ['base-uri', "'none'"],
    ['form-action', "'none'"],
  ];
  if (options.forHeader) directives.push(['frame-ancestors', "'none'"]);
  return directives.map((d) => d.join(' ')).join('; ');
}

/** Options from the build's environment (`VITE_MODEL_HOSTS`, `VITE_MODEL_HOST`, `VITE_CSP_LOOPBACK`). */
export function cspOptionsFromEnv(env: Record<string, string | undefined>): CspOptions {
  return {
    modelHosts: env.VITE_MODEL_HOSTS,
    defaultHost: env.VITE_MODEL_HOST,
    loopback: env.VITE_CSP_LOOPBACK !== 'false',
  };
}

/** Cross-origin isolation (threads for the CPU engine); model hosts answer with CORS, which require-corp accepts. */
export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;

/**
 * Every header a static deployment must send with every file (the worker scripts too: a
 * `<meta>` policy does not reach workers, so only a header restricts what the store worker may
 * connect to).
 */
export function deploymentHeaders(options: CspOptions = {}): Record<string, string> {
  return { 'Content-Security-Policy': contentSecurityPolicy({ ...options, forHeader: true }), ...isolationHeaders };
}

/** The same headers as a `_headers` file (Netlify, Cloudflare Pages and compatible hosts). */
export function headersFile(options: CspOptions = {}): string {
  const lines = Object.entries(deploymentHeaders(options)).map(([name, value]) => `  ${name}: ${value}`);
  return `# Written by the build from scripts/lib/contentSecurityPolicy.ts: edit the policy there.\n/*\n${lines.join('\n')}\n`;
}

/** The same headers as nginx `add_header` lines (the README's snippet). */
export function nginxHeaders(options: CspOptions = {}): string {
  return Object.entries(deploymentHeaders(options))
    .map(([name, value]) => `add_header ${name} "${value}" always;`)
    .join('\n');
}
