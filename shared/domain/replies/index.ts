export * from './interpretation.ts';
export * from './normalize.ts';
export * from './lexicon.ts';
export * from './interpret.ts';
export * from './conversation.ts';
