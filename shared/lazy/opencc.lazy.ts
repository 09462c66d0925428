// `#lazy/opencc` in a Lambda bundle: the converter and its dictionaries come from opencc.cjs beside index.mjs, on first use.
import type * as Side from '#domain/replies/opencc.ts';
import { loadSideModule } from './load.ts';
import { OPENCC_SIDE } from './side-modules.ts';

export const createTraditionalToSimplified: typeof Side.createTraditionalToSimplified = () => loadSideModule<typeof Side>(OPENCC_SIDE).createTraditionalToSimplified();
