import { blindCorpus, blindMisreads } from './corpus-blind.ts';
import { corpusSuite } from './corpus-suite.ts';

corpusSuite('blind corpus (2026-12-06, written without reading the rules)', blindCorpus, blindMisreads, 'blindMisreads', { size: 100 });
