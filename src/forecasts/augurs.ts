/**
 * Grafana's augurs (WASM) as this thread uses it. The package is built for the web (wasm-bindgen
 * `--target web`): each module fetches its .wasm unless given the bytes, so they are read from
 * beside the module and instantiated synchronously, once per thread, on first use.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { AutoETS, initSync as initEts } from '@bsull/augurs/ets';
import { MSTL, initSync as initMstl } from '@bsull/augurs/mstl';

let loaded = false;

/** `@bsull/augurs/mstl` → the path of its `mstl_bg.wasm`. */
export const wasmOf = (module: string): Buffer =>
  readFileSync(
    createRequire(import.meta.url)
      .resolve(`@bsull/augurs/${module}`)
      .replace(/\.js$/, '_bg.wasm'),
  );

export function augurs(): { MSTL: typeof MSTL; AutoETS: typeof AutoETS } {
  if (!loaded) {
    initMstl({ module: wasmOf('mstl') });
    initEts({ module: wasmOf('ets') });
    loaded = true;
  }
  return { MSTL, AutoETS };
}
