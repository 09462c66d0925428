import { gapsCorpus, gapsMisreads } from './corpus-gaps.ts';
import { corpusSuite } from './corpus-suite.ts';

corpusSuite('gaps corpus (2026-12-06, written before the rules)', gapsCorpus, gapsMisreads, 'gapsMisreads');
