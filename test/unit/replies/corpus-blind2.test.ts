import { blind2Corpus, blind2Misreads } from './corpus-blind2.ts';
import { corpusSuite } from './corpus-suite.ts';

corpusSuite("second blind corpus (2026-12-06, written without reading the rules, after that session's rules)", blind2Corpus, blind2Misreads, 'blind2Misreads', { size: 100 });
