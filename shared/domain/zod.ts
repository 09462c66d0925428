/**
 * The zod every handler path uses: `zod/mini` (the functional API, tree-shaken to what a bundle
 * uses: ≈ 15–30 KiB where classic zod is ≈ 100 KiB) with the English messages classic zod gives
 * (zod/mini loads no locale: without this every message would be "Invalid input").
 * Import it as `import * as z from '#domain/zod.ts'` (or './zod.ts' inside shared/domain).
 * The coordinator API's request schemas keep classic zod for zod-openapi; they compose these.
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export * from 'zod/mini';
