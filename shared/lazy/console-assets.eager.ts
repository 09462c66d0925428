// `#lazy/console-assets` outside a Lambda bundle: the generated assets module itself. In a bundle: console-assets.lazy.ts.
import { CONSOLE_ASSETS } from '#functions/coordinator-api/console/assets.ts';

/** The console's files by path (functions/coordinator-api/console/assets.ts). */
export function consoleAssets(): Readonly<Record<string, string>> {
  return CONSOLE_ASSETS;
}
