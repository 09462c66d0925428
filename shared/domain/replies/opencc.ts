/**
 * OpenCC's traditional (Taiwan standard, which also reads Hong Kong writing for the characters
 * patients use) → mainland simplified converter (pure). Built from opencc-js's core and exactly the
 * dictionaries of its `{ from: 'tw', to: 'cn' }` chain (Taiwan variants back, then traditional →
 * simplified phrases and characters): the `opencc-js/t2cn` build carries every regional table
 * (Hong Kong, Japanese …) besides, 107 KiB in the bundle against 63. Same conversion:
 * test/unit/replies/normalize.test.ts holds it equal to `t2cn`'s on every dictionary entry.
 *
 * A side module (shared/lazy/): in the Lambda bundles it is its own file beside index.mjs, loaded
 * on the first text with a Han character, so its dictionaries are not parsed at every cold start.
 * Building the converter takes ~0.3 s: normalize.ts builds it once per process.
 */
import { ConverterFactory } from 'opencc-js/core';
import TWVariantsRev from 'opencc-js/dict/TWVariantsRev';
import TWVariantsRevPhrases from 'opencc-js/dict/TWVariantsRevPhrases';
import toMainland from 'opencc-js/to/cn';

/** A new traditional → simplified converter (each call parses the dictionaries again: keep the result). */
export function createTraditionalToSimplified(): (text: string) => string {
  return ConverterFactory([[TWVariantsRevPhrases, TWVariantsRev]], toMainland);
}
