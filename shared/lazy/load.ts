import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { SideModule } from './side-modules.ts';

/**
 * Loads a side module (shared/lazy/side-modules.ts) in a Lambda bundle: synchronously, once, from
 * its file beside index.mjs (this code is bundled into index.mjs, so `import.meta.url` is there).
 * Used only by the `*.lazy.ts` loaders, which esbuild picks under the `lambda-bundle` condition.
 * Named `sideRequire`, not `require`: esbuild leaves the call alone (it would try to bundle a
 * `require`), and the bundle's banner defines a `require` of its own.
 */
const loaded = new Map<string, unknown>();

export function loadSideModule<T>({ name, file, entry }: SideModule): T {
  if (loaded.has(name)) return loaded.get(name) as T;
  const sideRequire = createRequire(import.meta.url);
  let side: unknown;
  try {
    side = sideRequire(`./${file}`);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'MODULE_NOT_FOUND' && String((error as Error).message).includes(file)) {
      const dir = fileURLToPath(new URL('.', import.meta.url));
      throw new Error(
        `Side module "${name}" is missing: no ${file} beside ${dir}index.mjs. The function's asset was built without it: ` +
          `infra/constructs/bundling.ts FUNCTION_SIDE_MODULES must list "${name}" for this function (built from ${entry}).`,
        { cause: error },
      );
    }
    throw error;
  }
  loaded.set(name, side);
  return side as T;
}
