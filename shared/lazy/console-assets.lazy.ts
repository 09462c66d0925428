// `#lazy/console-assets` in a Lambda bundle: the console's files come from console-assets.cjs beside index.mjs, on the first page request.
import type * as Side from '#functions/coordinator-api/console/assets.ts';
import type * as Eager from './console-assets.eager.ts';
import { loadSideModule } from './load.ts';
import { CONSOLE_ASSETS_SIDE } from './side-modules.ts';

export const consoleAssets: typeof Eager.consoleAssets = () => loadSideModule<typeof Side>(CONSOLE_ASSETS_SIDE).CONSOLE_ASSETS;
