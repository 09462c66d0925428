/**
 * Replies of the families the held-out corpus misread (corpus-holdout.ts `holdoutMisreads`),
 * written BEFORE the rules were changed for them (2026-12-06): supply said in other ways (how much
 * is left, the pharmacy will only have it later, a refill that cannot be reached), a relapse sign
 * with words between the body site and the swelling ("下颌那里硬硬的肿"), bulging eyes, pale stools
 * and foamy urine in other words, and a swelling said to be gone ("眼皮不肿了"). Negative controls
 * keep the new readings from swallowing ordinary replies. Strict like the nurse corpus. Data only.
 */
import type { CorpusCase } from './corpus.ts';

const SALIVARY = 'Salivary duct inflammation';
const EYE_OTHER = 'Eye disorders - Other, specify';
const BILI = 'Blood bilirubin increased';
const PROTEINURIA = 'Proteinuria';
const SUICIDAL = 'Suicidal ideation';
const LGI = 'Lower gastrointestinal hemorrhage';
const ABD = 'Abdominal pain';
const PREG = 'Pregnancy, puerperium and perinatal conditions - Other, specify';

export const gapsCorpus: CorpusCase[] = [
  // supply: how much is left
  { text: '骁悉就剩两天的了', intent: 'supply', supplyDrugs: ['mmf'] },
  { text: '药还剩一板', intent: 'supply' },
  { text: '来氟米特还有最后几片', intent: 'supply', supplyDrugs: ['lef'] },
  { text: '泼尼松剩得不多了', intent: 'supply', supplyDrugs: ['prednisone'] },
  { text: 'only have enough prednisone for 2 more days', intent: 'supply', supplyDrugs: ['prednisone'] },
  { text: 'down to my last 3 tablets', intent: 'supply' },
  // supply: the pharmacy has none now, or will only later
  { text: '医院药房暂时没有来氟米特', intent: 'supply', supplyDrugs: ['lef'] },
  { text: '药店说骁悉要等几天才到货', intent: 'supply', supplyDrugs: ['mmf'] },
  { text: '药还没到货', intent: 'supply' },
  { text: 'the pharmacy says they wont have my cellcept till next week', intent: 'supply', supplyDrugs: ['mmf'] },
  { text: 'pharmacy is waiting on a delivery of my meds', intent: 'supply' },
  { text: 'leflunomide is back ordered at my pharmacy', intent: 'supply', supplyDrugs: ['lef'] },
  // supply: the refill cannot be reached or filled
  { text: '医院开不了来氟米特', intent: 'supply', supplyDrugs: ['lef'] },
  { text: 'cant make it to the clinic to pick up my prescription', intent: 'supply' },
  { text: 'my chemist couldnt fill the mycophenolate script', intent: 'supply', supplyDrugs: ['mmf'] },
  // not supply
  { text: '药拿到了，谢谢', intent: 'unclear' },
  { text: 'picked up my refill today, thanks', intent: 'unclear' },
  // relapse signs: words between the site and the swelling
  { text: '耳朵前面这两天有点肿', intent: 'symptom', terms: [SALIVARY], relapse: true },
  { text: '左边腮帮子那块肿起来了', intent: 'symptom', terms: [SALIVARY], relapse: true },
  { text: '两边眼皮又有点肿', intent: 'symptom', terms: [EYE_OTHER], relapse: true },
  { text: 'my eyes are bulging more than before', intent: 'symptom', terms: [EYE_OTHER], relapse: true },
  { text: 'it looks like my eyes are sticking out', intent: 'symptom', terms: [EYE_OTHER], relapse: true },
  // pale stools, foamy urine in other words
  { text: '大便发灰，颜色很浅', intent: 'side_effect', terms: [BILI], redFlag: true, relapse: true },
  { text: 'my poop is really light colored', intent: 'side_effect', terms: [BILI], redFlag: true, relapse: true },
  { text: '尿里泡泡很多', intent: 'side_effect', terms: [PROTEINURIA], relapse: true },
  { text: '小便起泡泡，好久不散', intent: 'side_effect', terms: [PROTEINURIA], relapse: true },
  // a swelling said to be gone
  { text: '腮帮子不肿了', intent: 'unclear', resolved: [SALIVARY] },
  { text: 'my eyelids arent swollen anymore', intent: 'unclear', resolved: [EYE_OTHER] },

  // Second round, written before the rules for the blind corpus's families (2026-12-06): the same
  // families in other words, so the blind corpus's own cases are not what the rules were made on.
  // thoughts of death said indirectly
  { text: '真不如死了算了', intent: 'side_effect', terms: [SUICIDAL], redFlag: true },
  { text: '有时候觉得死了也挺好', intent: 'side_effect', terms: [SUICIDAL], redFlag: true },
  { text: '想一了百了', intent: 'side_effect', terms: [SUICIDAL], redFlag: true },
  { text: 'i just want it all to end', intent: 'side_effect', terms: [SUICIDAL], redFlag: true },
  { text: 'everyone would be better off without me', intent: 'side_effect', terms: [SUICIDAL], redFlag: true },
  // blood from below, said plainly
  { text: 'saw blood when i pooped this morning', intent: 'side_effect', terms: [LGI], redFlag: true },
  { text: 'theres blood on the toilet paper when i go', intent: 'side_effect', terms: [LGI], redFlag: true },
  { text: '大便上有血丝', intent: 'side_effect', terms: [LGI], redFlag: true },
  // gone, in other words
  { text: 'the rash is finally gone', intent: 'unclear', resolved: ['Rash maculo-papular'] },
  { text: 'my mouth ulcer has healed', intent: 'unclear', resolved: ['Mucositis oral'] },
  { text: '口腔溃疡愈合了', intent: 'unclear', resolved: ['Mucositis oral'] },
  { text: '昨天头有点痛，今天不痛了', intent: 'unclear', resolved: ['Headache'] },
  { text: '肚子不痛了', intent: 'unclear', resolved: [ABD] },
  { text: '上周咳嗽得厉害，这两天不咳了', intent: 'unclear', resolved: ['Cough'] },
  { text: 'had a headache this morning, no headache now', intent: 'unclear', resolved: ['Headache'] },
  { text: '早上有点头晕 现在不晕了', intent: 'unclear', resolved: ['Dizziness'] },
  // …but a later word cannot take back a bleed
  { text: '昨天大便带血，今天没有了', intent: 'side_effect', terms: [LGI], redFlag: true },
  // relapse signs, other words
  { text: '脖子左边摸着有个硬块', intent: 'symptom', terms: ['Neck edema'], relapse: true },
  { text: '下巴下面摸得到两个小疙瘩', intent: 'symptom', terms: [SALIVARY], relapse: true },
  { text: '眼皮一直是肿的', intent: 'symptom', terms: [EYE_OTHER], relapse: true },
  { text: '肚子隐隐作痛', intent: 'side_effect', terms: [ABD], relapse: true },
  { text: 'i have lost about 4 kg this month', intent: 'side_effect', terms: ['Weight loss'], relapse: true },
  { text: 'my feet are so puffy', intent: 'side_effect', terms: ['Edema limbs'], relapse: true },
  { text: 'hardly peeing at all today', intent: 'symptom', terms: ['Renal and urinary disorders - Other, specify'], relapse: true },
  // steroid and MMF effects in other words
  { text: '脸上冒了一片痘', intent: 'side_effect', terms: ['Rash acneiform'] },
  { text: 'my hair is coming out in handfuls', intent: 'side_effect', terms: ['Alopecia'] },
  { text: 'my face has gone round like a moon', intent: 'side_effect', terms: ['Cushingoid'] },
  { text: 'gained 5 kg since starting the steroids', intent: 'side_effect', terms: ['Weight gain'] },
  // a drug's short name; a lapsed script
  { text: 'my pred prescription ran out', intent: 'supply', supplyDrugs: ['prednisone'] },
  { text: 'the script for my cellcept expired', intent: 'supply', supplyDrugs: ['mmf'] },

  // Third part, written before their rules (2026-12-06): another medicine taken is not the trial
  // dose; the drug missed in a clause that names it; "no" to the weekly screen with extra words.
  { text: '头疼得厉害，吃了止痛药', intent: 'side_effect', terms: ['Headache'], grades: { Headache: 3 }, redFlag: true, relapse: true },
  { text: '感冒了，吃了感冒药', intent: 'side_effect', terms: ['Upper respiratory infection'] },
  { text: '吃了退烧药', ctx: 'dose', intent: 'unclear' },
  { text: 'took some tylenol for the fever', intent: 'side_effect', terms: ['Fever'], redFlag: true }, // a fever without a temperature is a red flag (docs/replies.md)
  { text: '激素吃了，骁悉忘带了没吃成', ctx: 'dose', intent: 'dose_missed', dose: 'missed', missedDrugs: ['mmf'] },
  // …while the dose itself, said next to a word that begins like a medicine, stays taken (found after the rule: it had read "中" as 中药, "胃" as 胃药)
  { text: '吃了中午的药', ctx: 'dose', intent: 'dose_taken', dose: 'taken' },
  { text: '吃了胃有点疼', ctx: 'dose', intent: 'side_effect', terms: [ABD], grades: { [ABD]: 1 }, relapse: true, dose: 'taken' },
  { text: '吃了钙片', ctx: 'dose', intent: 'unclear' },
  { text: '0 没什么', ctx: 'screen', intent: 'answer', answer: { kind: 'yes_no', value: false } },
  { text: 'no all fine this week thanks', ctx: 'screen', intent: 'answer', answer: { kind: 'yes_no', value: false } },
  { text: '都挺好的 没有', ctx: 'screen', intent: 'answer', answer: { kind: 'yes_no', value: false } },

  // Fourth part, written before their rules (2026-12-06), for the three red flags the second blind
  // corpus found missed: self-harm in -ing forms, a late period said with how late, red urine.
  { text: 'i keep thinking about harming myself', intent: 'side_effect', terms: [SUICIDAL], redFlag: true },
  { text: 'sometimes i feel like cutting myself', intent: 'side_effect', terms: [SUICIDAL], redFlag: true },
  { text: '最近总有自残的念头', intent: 'side_effect', terms: [SUICIDAL], redFlag: true },
  { text: 'my period is two weeks overdue', intent: 'side_effect', terms: [PREG], redFlag: true },
  { text: '大姨妈一个多月没来了', intent: 'side_effect', terms: [PREG], redFlag: true },
  { text: '例假推迟了十来天', intent: 'side_effect', terms: [PREG], redFlag: true },
  { text: '小便发红', intent: 'side_effect', terms: ['Hematuria'], redFlag: true },
  { text: '尿的颜色是粉红色的', intent: 'side_effect', terms: ['Hematuria'], redFlag: true },
  { text: 'my pee looks pink', intent: 'side_effect', terms: ['Hematuria'], redFlag: true },
  // …and what must stay as it was: dark (tea-coloured) urine is jaundice, not blood
  { text: '尿的颜色像浓茶', intent: 'side_effect', terms: [BILI], redFlag: true, relapse: true },

  // Fifth part, written before their rules (2026-12-06): the second blind corpus's other families,
  // in other words. A second symptom after 还/也; glands and eyes said plainly; a resolution after
  // "these days"; the menu's 1/2 as Chinese numerals.
  { text: '拉肚子，头也有点晕', intent: 'side_effect', terms: ['Diarrhea', 'Dizziness'], grades: { Dizziness: 1 } },
  { text: '咳嗽 嗓子眼也疼', intent: 'side_effect', terms: ['Cough', 'Sore throat'], redFlag: true, relapse: true }, // first written with 痒 (itch), which is not a sore throat: corrected before the rule
  { text: '右眼往外凸', intent: 'symptom', terms: [EYE_OTHER], relapse: true },
  { text: '耳朵下面的腺体肿大了', intent: 'symptom', terms: [SALIVARY], relapse: true },
  { text: 'his neck looks swollen on one side', intent: 'symptom', terms: ['Neck edema'], relapse: true },
  { text: '前几天发烧 这几天好了', intent: 'unclear', resolved: ['Fever'] },
  { text: '一', ctx: 'dose', intent: 'dose_taken', dose: 'taken', lang: 'zh' },
  { text: '贰', ctx: 'dose', intent: 'dose_missed', dose: 'missed', lang: 'zh' },

  // Sixth part, written before the rule (2026-12-06): a nosebleed is bleeding, a red flag in the
  // protocol's table ("bruising, bleeding: yes if bleeding") like every other bleed, stopped or not;
  // gums that bleed, with words between.
  { text: '今天流了两次鼻血', intent: 'side_effect', terms: ['Epistaxis'], redFlag: true },
  { text: 'nosebleed this morning, stopped after 5 min', intent: 'side_effect', terms: ['Epistaxis'], redFlag: true },
  { text: '牙龈老是出血', intent: 'side_effect', terms: ['Oral hemorrhage'], redFlag: true },
  { text: 'my gums keep bleeding when i brush', intent: 'side_effect', terms: ['Oral hemorrhage'], redFlag: true },

  // Seventh part, written before their rules (2026-12-06), for the red flags the third blind corpus
  // found missed, in other words: blood brought up, chest pain said as pressure or tightness,
  // stools counted in English with a plural.
  { text: '刚才吐了几口血', intent: 'side_effect', terms: ['Upper gastrointestinal hemorrhage'], redFlag: true },
  { text: '吐出来的东西是咖啡色的', intent: 'side_effect', terms: ['Upper gastrointestinal hemorrhage'], redFlag: true },
  { text: '胸口闷闷的疼', intent: 'side_effect', terms: ['Pain'], redFlag: true }, // first written with Dyspnea too; one chest-pain reading is what the rule gives, and is enough for the call
  { text: '胸部一阵阵地压痛', intent: 'side_effect', terms: ['Pain'], redFlag: true },
  { text: 'tightness in my chest since this morning', intent: 'side_effect', terms: ['Pain'], redFlag: true },
  { text: 'had 6 loose stools so far today', intent: 'side_effect', terms: ['Diarrhea'], redFlag: true, grades: { Diarrhea: 2 } },
  { text: '2 runny stools today', intent: 'side_effect', terms: ['Diarrhea'], grades: { Diarrhea: 1 } },
  // the homophone slip 以 for 已 (already), common in typed and voice-input Chinese
  { text: '咳嗽以经好了', intent: 'unclear', resolved: ['Cough'] },
  { text: '药以吃', ctx: 'dose', intent: 'dose_taken', dose: 'taken' },

  // Eighth part, written before their rules (2026-12-06): the third blind corpus's other families,
  // in other words — appetite, joints and blurred sight said with words between; a resolution
  // after "from last week"; "has stopped" after an answer digit.
  { text: '最近食欲也下降了', intent: 'side_effect', terms: ['Anorexia'] }, // first written as "胃口特别差" with grade 3 and no red flag: the word scale makes 特别 a grade 3, and grade 3 is a red flag; not what this case was for
  { text: '饭也吃不太下', intent: 'side_effect', terms: ['Anorexia'] },
  { text: '手腕和脚踝的关节有点疼', intent: 'side_effect', terms: ['Arthralgia'], grades: { Arthralgia: 1 } },
  { text: '手指关节肿痛', intent: 'side_effect', terms: ['Arthralgia'] },
  { text: '看东西模模糊糊的', intent: 'side_effect', terms: ['Blurred vision'] },
  { text: 'my vision has gone blurry', intent: 'side_effect', terms: ['Blurred vision'] },
  { text: 'the rash from last week has cleared up', intent: 'unclear', resolved: ['Rash maculo-papular'] },
  { text: '0 the nausea i had before has stopped', ctx: 'screen', intent: 'answer', answer: { kind: 'yes_no', value: false }, resolved: ['Nausea'] },

  // Ninth part, written before their rules (2026-12-06, after the fourth blind corpus): "not yet"
  // with a plan to take it later is a dose not (yet) taken; a drug left behind is a dose missed.
  { text: 'not yet, gonna take it after lunch', ctx: 'dose', intent: 'dose_missed', dose: 'missed' },
  { text: 'havent yet will take them when i get home', ctx: 'dose', intent: 'dose_missed', dose: 'missed' },
  { text: '泼尼松吃了 骁悉忘在家里了', ctx: 'dose', intent: 'dose_missed', dose: 'missed', missedDrugs: ['mmf'] },
  { text: '出门忘带骁悉了', ctx: 'dose', intent: 'dose_missed', dose: 'missed', missedDrugs: ['mmf'] },
];

/** Cases still misread, `ctx|text` → why (asserted as still misread; a fix shows as a failure: move it out). */
export const gapsMisreads: Record<string, string> = {};
