import { blind4Corpus, blind4Misreads } from './corpus-blind4.ts';
import { corpusSuite } from './corpus-suite.ts';

corpusSuite("fourth blind corpus (2026-12-06, an ordinary week's mix; written without reading the rules, after all of that session's)", blind4Corpus, blind4Misreads, 'blind4Misreads', { size: 100 });
