/**
 * Reply-interpreter accuracy per expected intent on both corpora (issue 17 part 2):
 *   npm run replies:accuracy
 * The original corpus (test/unit/replies/corpus.ts, its known misreads included) and the nurse
 * corpus (test/unit/replies/corpus-nurse.ts, strict fields) and the held-out corpus
 * (corpus-holdout.ts, written after the rules were tuned), and the field corpus (corpus-field.ts, replies
 * met in the field, written before their rules), the gaps corpus (corpus-gaps.ts, the held-out
 * misreads' families, written before their rules, 2026-12-06) and the blind corpus (corpus-blind.ts,
 * 100 replies written without reading the rules, 2026-12-06; corpus-blind2.ts, 100 more written after
 * that session's rules; corpus-blind3.ts, 100 by family members and elderly writers; corpus-blind4.ts,
 * 100 of an ordinary week, the day's final unseen measure). A case counts as right only when
 * every field it pins is read right.
 */
import { corpus, knownMisreads } from '../test/unit/replies/corpus.ts';
import { blindCorpus } from '../test/unit/replies/corpus-blind.ts';
import { blind2Corpus } from '../test/unit/replies/corpus-blind2.ts';
import { blind3Corpus } from '../test/unit/replies/corpus-blind3.ts';
import { blind4Corpus } from '../test/unit/replies/corpus-blind4.ts';
import { fieldCorpus } from '../test/unit/replies/corpus-field.ts';
import { gapsCorpus } from '../test/unit/replies/corpus-gaps.ts';
import { holdoutCorpus } from '../test/unit/replies/corpus-holdout.ts';
import { nurseCorpus } from '../test/unit/replies/corpus-nurse.ts';
import { formatTally, mismatches, read, tallyByIntent } from '../test/unit/replies/evaluate.ts';

const verbose = process.argv.includes('--verbose');
console.log(formatTally(`original corpus (${corpus.length + knownMisreads.length} cases, known misreads included)`, tallyByIntent([...corpus, ...knownMisreads], false)));
console.log('');
console.log(formatTally(`nurse corpus (${nurseCorpus.length} cases, strict)`, tallyByIntent(nurseCorpus, true)));
console.log('');
console.log(formatTally(`field corpus (${fieldCorpus.length} cases, strict, written before their rules)`, tallyByIntent(fieldCorpus, true)));
console.log('');
console.log(formatTally(`gaps corpus (${gapsCorpus.length} cases, strict, written before their rules)`, tallyByIntent(gapsCorpus, true)));
console.log('');
console.log(formatTally(`held-out corpus (${holdoutCorpus.length} cases, strict, written after the rules; seen by them since 2026-12-06)`, tallyByIntent(holdoutCorpus, true)));
console.log('');
console.log(formatTally(`blind corpus (${blindCorpus.length} cases, strict, written without reading the rules)`, tallyByIntent(blindCorpus, true)));
console.log('');
console.log(formatTally(`second blind corpus (${blind2Corpus.length} cases, strict, written without reading the rules)`, tallyByIntent(blind2Corpus, true)));
console.log('');
console.log(formatTally(`third blind corpus (${blind3Corpus.length} cases, strict, written without reading the rules)`, tallyByIntent(blind3Corpus, true)));
console.log('');
console.log(formatTally(`fourth blind corpus (${blind4Corpus.length} cases, strict, written without reading the rules)`, tallyByIntent(blind4Corpus, true)));
if (verbose) {
  console.log('\nmisread in the nurse corpus:');
  for (const c of nurseCorpus) {
    const bad = mismatches(c, read(c), true);
    if (bad.length > 0) console.log(`  ${JSON.stringify(c.text)}${c.ctx ? ` [${c.ctx}]` : ''}: ${bad.join('; ')}`);
  }
}
