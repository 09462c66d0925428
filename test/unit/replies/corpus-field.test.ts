import { fieldCorpus, fieldMisreads } from './corpus-field.ts';
import { corpusSuite } from './corpus-suite.ts';

corpusSuite('field corpus (fifth session of 2026-12-05, written before the rules)', fieldCorpus, fieldMisreads, 'fieldMisreads');
