import { blind3Corpus, blind3Misreads } from './corpus-blind3.ts';
import { corpusSuite } from './corpus-suite.ts';

corpusSuite('third blind corpus (2026-12-06, family and elderly writers, mixed Chinese-English; written without reading the rules)', blind3Corpus, blind3Misreads, 'blind3Misreads', { size: 100 });
