/**
 * Held-out replies, written AFTER the issue 17 rules were tuned on corpus-nurse.ts and not used to
 * tune them until 2026-12-06 (70 % then: see `holdoutMisreads` below for what changed): the
 * estimate of how the rules did on replies nobody had seen. Since then corpus-blind.ts plays that part.
 */
import type { CorpusCase } from './corpus.ts';

const DIARRHEA = 'Diarrhea';
const VOMIT = 'Vomiting';
const BILI = 'Blood bilirubin increased';
const SALIVARY = 'Salivary duct inflammation';
const EYE_OTHER = 'Eye disorders - Other, specify';
const FEVER = 'Fever';

export const holdoutCorpus: CorpusCase[] = [
  // supply
  { text: '泼尼松还剩三片', intent: 'supply', supplyDrugs: ['prednisone'] },
  { text: '医院没号了，药也快吃光了', intent: 'supply' },
  { text: '社区医院开不出骁悉', intent: 'supply', supplyDrugs: ['mmf'] },
  { text: '藥房說要下週才有貨', intent: 'supply' },
  { text: '药断了两天了', intent: 'supply' },
  { text: 'Ran out of my steroid tablets on Friday', intent: 'supply' },
  { text: 'the chemist has no leflunomide in stock', intent: 'supply', supplyDrugs: ['lef'] },
  { text: 'I have no pills left until my appointment', intent: 'supply' },
  { text: 'waiting for the pharmacy to order my cellcept', intent: 'supply', supplyDrugs: ['mmf'] },
  { text: 'cannot get to the hospital for my refill', intent: 'supply' },
  { text: '今天的激素吃完了', ctx: 'dose', intent: 'dose_taken', dose: 'taken' },
  { text: '药拿回来了', intent: 'unclear' },
  // counts
  { text: '一上午拉了六回', intent: 'side_effect', terms: [DIARRHEA], redFlag: true, grades: { [DIARRHEA]: 2 } },
  { text: '拉肚子，二十多次', intent: 'side_effect', terms: [DIARRHEA], redFlag: true, grades: { [DIARRHEA]: 3 } },
  { text: '腹泻，每天两到三次', intent: 'side_effect', terms: [DIARRHEA], grades: { [DIARRHEA]: 1 } },
  { text: 'diarrhoea six times since last night', intent: 'side_effect', terms: [DIARRHEA], redFlag: true, grades: { [DIARRHEA]: 2 } },
  { text: 'loose bowels x3 and a fever', intent: 'side_effect', terms: [DIARRHEA, FEVER], redFlag: true, grades: { [DIARRHEA]: 1 } },
  { text: '吐了五六回', intent: 'side_effect', terms: [VOMIT], redFlag: true, grades: { [VOMIT]: 3 } }, // a range counts by its upper end: 6 → grade 3
  { text: 'vomited twice this morning', intent: 'side_effect', terms: [VOMIT], grades: { [VOMIT]: 1 } },
  { text: '吃了，拉肚子3回', ctx: 'dose', intent: 'side_effect', dose: 'taken', terms: [DIARRHEA], grades: { [DIARRHEA]: 1 } },
  // relapse sites
  { text: '耳朵下面鼓起一个包', intent: 'symptom', terms: [SALIVARY], relapse: true },
  { text: '下颌那里硬硬的肿', intent: 'symptom', terms: [SALIVARY], relapse: true },
  { text: '眼睛上面肿了个包', intent: 'symptom', terms: [EYE_OTHER], relapse: true },
  { text: 'my eyes look like they are popping out', intent: 'symptom', terms: [EYE_OTHER], relapse: true },
  { text: 'swollen glands under my jaw', intent: 'symptom', terms: [SALIVARY], relapse: true },
  { text: '大便颜色很浅，像白的', intent: 'side_effect', terms: [BILI], redFlag: true, relapse: true },
  { text: '小便有很多泡泡', intent: 'side_effect', terms: ['Proteinuria'], relapse: true },
  { text: 'lump in my armpit', intent: 'symptom', terms: ['Blood and lymphatic system disorders - Other, specify'], relapse: true },
  { text: '后腰两边一直胀痛', intent: 'symptom', terms: ['Back pain'], relapse: true },
  { text: '皮肤眼睛都黄了', intent: 'side_effect', terms: [BILI], redFlag: true, relapse: true },
  // negation and time
  { text: '拉肚子已经止住了', intent: 'unclear', resolved: [DIARRHEA] },
  { text: '前天吐了，现在没事了', intent: 'unclear', resolved: [VOMIT] },
  { text: '没有拉肚子，也没有发烧', intent: 'unclear' },
  { text: 'nausea went away after a day', intent: 'unclear', resolved: ['Nausea'] },
  { text: 'no diarrhoea this week', intent: 'unclear' },
  { text: '發燒好了', intent: 'unclear', resolved: [FEVER] },
  { text: '眼皮不肿了', intent: 'unclear', resolved: [EYE_OTHER] },
  { text: 'headache is gone but still tired', intent: 'side_effect', terms: ['Fatigue'], resolved: ['Headache'] },
  // traditional
  { text: '腹瀉一天五次', intent: 'side_effect', terms: [DIARRHEA], redFlag: true, grades: { [DIARRHEA]: 2 } },
  { text: '臉頰兩邊又腫了', intent: 'symptom', terms: [SALIVARY], relapse: true },
];

/**
 * Held-out cases still misread ("<ctx>|<text>" → what is wrong), asserted as still misread.
 * 2026-12-06: the 12 listed after issue 17 (supply said as "还剩三片", "开不出", "下周才有货",
 * "has no … in stock", "waiting for the pharmacy", "get to the hospital for my refill"; words
 * between a site and its swelling; eyes "popping out"; pale stools as "颜色很浅"; 泡泡 for foam;
 * "不肿了") were fixed by rules for their families, with corpus-gaps.ts written first. From then on
 * this set has been seen by the rules; the blind corpus (corpus-blind.ts) is the held-out measure.
 */
export const holdoutMisreads: Record<string, string> = {};
