// `#lazy/opencc` outside a Lambda bundle: the converter itself. In a bundle: opencc.lazy.ts.
export { createTraditionalToSimplified } from '#domain/replies/opencc.ts';
