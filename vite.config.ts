import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig, loadEnv, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { contentSecurityPolicy, cspOptionsFromEnv, deploymentHeaders, headersFile } from './scripts/lib/contentSecurityPolicy';

const appVersion: string = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')).version;

// Cross-origin isolation lets the CPU engine use threads (SharedArrayBuffer); model hosts answer
// with CORS, which require-corp accepts.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** Writes `_headers` into the build: a static host sends the same policy as a header, to the workers too. */
function headersForDeployment(contents: string): Plugin {
  return {
    name: 'hearth-deployment-headers',
    apply: 'build',
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: '_headers', source: contents });
    },
  };
}

/** Puts the CSP in the built index.html; the dev server goes without (HMR needs inline code). */
function cspMeta(policy: string): Plugin {
  return {
    name: 'hearth-csp-meta',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: policy }, injectTo: 'head-prepend' }],
  };
}

export default defineConfig(({ mode }) => {
  const csp = cspOptionsFromEnv({ ...loadEnv(mode, process.cwd(), 'VITE_'), ...process.env });
  // Headers reach the workers too (a <meta> policy covers only the document).
  const previewHeaders = deploymentHeaders(csp);
  return {
    define: { __APP_VERSION__: JSON.stringify(appVersion) },
    plugins: [
      svelte(),
      cspMeta(contentSecurityPolicy(csp)),
      headersForDeployment(headersFile(csp)),
      VitePWA({
        strategies: 'generateSW',
        // The page asks the user before a new version takes over (src/state/appUpdate.svelte.ts).
        registerType: 'prompt',
        injectRegister: false,
        manifest: {
          name: 'Hearth: private Llama chat',
          short_name: 'Hearth',
          description: 'Private Llama chat that runs entirely in your browser.',
          start_url: './',
          scope: './',
          display: 'standalone',
          background_color: '#fbf8f4',
          theme_color: '#b4531f',
          icons: [
            { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
            { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
            { src: 'icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
          ],
        },
        workbox: {
          // The app shell, both worker bundles and the engines' WebAssembly; never model files
          // (they are cross-origin, verified and kept by the store worker): no runtime caching.
          // (The manifest and its icons are added by the plugin.)
          globPatterns: ['**/*.{html,js,css,wasm}', 'apple-touch-icon.png'],
          // The engine worker bundle is ~6.5 MB and wllama's wasm ~8.8 MB.
          maximumFileSizeToCacheInBytes: 32 * 1024 * 1024,
          cleanupOutdatedCaches: true,
          clientsClaim: false,
          skipWaiting: false,
          navigateFallback: 'index.html',
          runtimeCaching: [],
        },
      }),
    ],
    worker: { format: 'es' },
    resolve: {
      alias: {
        // @huggingface/gguf (the store worker's GGUF reader) imports only its quantization tables
        // from @huggingface/tasks, whose index drags every task and library snippet into the
        // bundle (no `sideEffects: false`); its gguf module is self-contained.
        '@huggingface/tasks': fileURLToPath(new URL('./node_modules/@huggingface/tasks/dist/esm/gguf.js', import.meta.url)),
      },
    },
    build: { target: 'es2022', chunkSizeWarningLimit: 8000 },
    server: { host: '127.0.0.1', headers: isolation },
    preview: { host: '127.0.0.1', port: 4173, strictPort: true, headers: previewHeaders },
  };
});
