// wllama 3.13's package `exports` make TypeScript resolve this path inside the package (where
// no `.wasm?url` module exists) instead of falling back to vite/client's `*?url`; Vite itself
// serves it as the URL of the wasm file.
declare module '@wllama/wllama/esm/wasm/wllama.wasm?url' {
  const url: string;
  export default url;
}
