import type { CorpusCase } from './corpus.ts';

/**
 * Fourth blind corpus: 100 patient SMS replies written from the trial protocol, the SMS facts
 * and the CTCAE term list only, without looking at the interpreter's rules or earlier corpora.
 *
 * Lead (2026-12-06): an ordinary week's mix, written after every rule of that session and the
 * day's final measure — no rule was changed for it. On those rules: **90/100** strict, 0 of 13
 * expected red flags missed; on the rules the session began with (b3637b8): 88/100, 0 missed. No
 * label changed. Afterwards one family it showed was given a rule from new cases in other words
 * (corpus-gaps.ts part nine): "not yet" with a plan to take it later, and a drug left behind, are a
 * dose missed — "not yet, gonna take it after lunch" had been read as TAKEN. 92/100 since, seen.
 */
export const blind4Corpus: CorpusCase[] = [
  // ── dose answers (ctx 'dose') ──────────────────────────────────────────────
  { text: '1', ctx: 'dose', intent: 'dose_taken', dose: 'taken' },
  { text: '2', ctx: 'dose', intent: 'dose_missed', dose: 'missed' },
  { text: '吃了', ctx: 'dose', intent: 'dose_taken', dose: 'taken' },
  { text: '今天忘了吃', ctx: 'dose', intent: 'dose_missed', dose: 'missed' },
  { text: 'Taken thx', ctx: 'dose', intent: 'dose_taken', dose: 'taken' },
  { text: 'forgot this morning sorry', ctx: 'dose', intent: 'dose_missed', dose: 'missed' },
  { text: '激素吃了 骁悉忘带了 在外面', ctx: 'dose', intent: 'dose_missed', dose: 'missed', missedDrugs: ['mmf'] },
  { text: '强的松吃了，吗替麦考酚酯没吃', ctx: 'dose', intent: 'dose_missed', dose: 'missed', missedDrugs: ['mmf'] },
  { text: 'took the cellcept but forgot prednisone', ctx: 'dose', intent: 'dose_missed', dose: 'missed', missedDrugs: ['prednisone'] },
  { text: '吃了 晚了两个小时 早上起晚了😅', ctx: 'dose', intent: 'dose_taken', dose: 'taken' },
  { text: 'took them late, around 11', ctx: 'dose', intent: 'dose_taken', dose: 'taken' },
  { text: '还没吃 等下吃完早饭就吃', ctx: 'dose', intent: 'dose_missed', dose: 'missed' },
  { text: 'not yet, will take after breakfast', ctx: 'dose', intent: 'dose_missed', dose: 'missed' },
  { text: '早上的吃了 晚上那顿还没到点', ctx: 'dose', intent: 'dose_taken', dose: 'taken' },
  { text: 'done 👍', ctx: 'dose', intent: 'dose_taken', dose: 'taken' },
  { text: '今天的藥都吃了 謝謝', ctx: 'dose', intent: 'dose_taken', dose: 'taken' },
  { text: '我是他老伴 他早上药都吃了', ctx: 'dose', intent: 'dose_taken', dose: 'taken' },
  { text: 'my mom took her pills this morning', ctx: 'dose', intent: 'dose_taken', dose: 'taken' },
  { text: '潑尼松忘記吃了', ctx: 'dose', intent: 'dose_missed', dose: 'missed', missedDrugs: ['prednisone'] },
  { text: '来氟米特今天漏了一次', ctx: 'dose', intent: 'dose_missed', dose: 'missed', missedDrugs: ['lef'] },

  // ── side effects (no red flag) ─────────────────────────────────────────────
  { text: '这两天有点恶心 不想吃东西', intent: 'side_effect', terms: ['Nausea', 'Anorexia'] },
  { text: '晚上睡不着 翻来覆去到两三点', intent: 'side_effect', terms: ['Insomnia'] },
  { text: '头发掉得厉害 梳头一把一把的', intent: 'side_effect', terms: ['Alopecia'] },
  { text: '手脚发麻 像针扎一样', intent: 'side_effect', terms: ['Peripheral sensory neuropathy'] },
  { text: '拉肚子 今天拉了3次', intent: 'side_effect', terms: ['Diarrhea'], grades: { Diarrhea: 1 } },
  { text: '吐了两次 一直恶心', intent: 'side_effect', terms: ['Vomiting', 'Nausea'], grades: { Vomiting: 1 } },
  { text: '胳膊和胸口起了一片红疹子', intent: 'side_effect', terms: ['Rash maculo-papular'] },
  { text: 'tired all week and bit dizzy when i stand up', intent: 'side_effect', terms: ['Fatigue', 'Dizziness'] },
  { text: 'bit nauseous after the cellcept, no vomiting', intent: 'side_effect', terms: ['Nausea'] },
  { text: 'cant sleep since steroid start, heart racing at night', intent: 'side_effect', terms: ['Insomnia', 'Palpitations'] },
  { text: 'face getting round like a moon and gaining weight', intent: 'side_effect', terms: ['Cushingoid', 'Weight gain'] },
  { text: 'stomach bloated, constipated 3 days', intent: 'side_effect', terms: ['Bloating', 'Constipation'] },
  { text: 'pimples all over my back and chest', intent: 'side_effect', terms: ['Rash acneiform'] },
  { text: '小腿抽筋 晚上疼醒', intent: 'side_effect', terms: ['Muscle cramp'] },
  { text: '胃反酸 烧心', intent: 'side_effect', terms: ['Gastroesophageal reflux disease'] },
  { text: '血压有点高 今天量150/95', intent: 'side_effect', terms: ['Hypertension'] },
  { text: '關節痛 膝蓋跟手指都痛', intent: 'side_effect', terms: ['Arthralgia'] },
  { text: '最近胃口很差 吃不下飯', intent: 'side_effect', terms: ['Anorexia'] },
  { text: '喉嚨痛 沒有發燒', intent: 'side_effect', terms: ['Sore throat'] },
  { text: '我妈这几天老是说累 没力气 还掉头发', intent: 'side_effect', terms: ['Fatigue', 'Alopecia'] },
  { text: "my dad says his muscles ache all over and he's sleeping badly", intent: 'side_effect', terms: ['Myalgia', 'Insomnia'] },
  { text: '1 恶心 还有点头晕', ctx: 'screen', intent: 'side_effect', terms: ['Nausea', 'Dizziness'] },
  { text: 'yes diarhea 2-3 times a day', ctx: 'screen', intent: 'side_effect', terms: ['Diarrhea'], grades: { Diarrhea: 1 } },
  { text: '腿上好多淤青 不知道怎么碰的', intent: 'side_effect', terms: ['Bruising'] },

  // ── red flags ──────────────────────────────────────────────────────────────
  { text: '发烧了 38.6', intent: 'side_effect', terms: ['Fever'], redFlag: true, tempC: 38.6, grades: { Fever: 1 } },
  { text: 'fever 39.4 and chills since last night', intent: 'side_effect', terms: ['Fever', 'Chills'], redFlag: true, tempC: 39.4, grades: { Fever: 2 } },
  { text: '我老公说有点发烧 还没量体温', intent: 'side_effect', terms: ['Fever'], redFlag: true },
  { text: '大便黑黑的 像柏油一樣', intent: 'side_effect', terms: ['Upper gastrointestinal hemorrhage'], redFlag: true },
  { text: '刷牙牙龈出血 流鼻血也止不住', intent: 'side_effect', terms: ['Oral hemorrhage', 'Epistaxis'], redFlag: true },
  { text: '今天拉了6次 水样便', intent: 'side_effect', terms: ['Diarrhea'], redFlag: true, grades: { Diarrhea: 2 } },
  { text: '眼睛发黄 尿颜色像浓茶', intent: 'side_effect', terms: ['Blood bilirubin increased'], redFlag: true, relapse: true },
  { text: '咳嗽好几天了 走路就喘', intent: 'side_effect', terms: ['Cough', 'Dyspnea'], redFlag: true, relapse: true },
  { text: '月经推迟两周了 测了两道杠', intent: 'side_effect', terms: ['Pregnancy, puerperium and perinatal conditions - Other, specify'], redFlag: true },
  { text: "Im her son. mum is confused today dont know where she is", intent: 'side_effect', terms: ['Confusion'], redFlag: true },
  { text: '觉得活着没意思 有时候想一了百了', intent: 'side_effect', terms: ['Suicidal ideation'], redFlag: true },
  { text: '3', ctx: 'severity', intent: 'answer', terms: ['Nausea'], redFlag: true, grades: { Nausea: 3 } },

  // ── relapse signs ──────────────────────────────────────────────────────────
  { text: '眼皮肿了 早上起来更明显', intent: 'symptom', terms: ['Edema face'], relapse: true },
  { text: '我爸下巴下面又鼓起来了 像上次那样', intent: 'symptom', terms: ['Salivary duct inflammation'], relapse: true },
  { text: '兩邊腮幫子腫起來了', intent: 'symptom', terms: ['Salivary duct inflammation'], relapse: true },
  { text: 'seeing double since yesterday, eyes look more bulging', intent: 'symptom', terms: ['Eye disorders - Other, specify'], relapse: true },
  { text: '腰背疼好几天了', intent: 'symptom', terms: ['Back pain'], relapse: true },
  { text: 'pain upper stomach going through to my back', intent: 'side_effect', terms: ['Abdominal pain', 'Back pain'], relapse: true },
  { text: '瘦了快5斤 也没减肥', intent: 'side_effect', terms: ['Weight loss'], relapse: true },
  { text: '我爸两条腿都肿了 按下去一个坑', intent: 'side_effect', terms: ['Edema limbs'], relapse: true },
  { text: '尿比以前少很多', intent: 'symptom', terms: ['Renal and urinary disorders - Other, specify'], relapse: true },
  { text: 'headache 3 days not going away', intent: 'side_effect', terms: ['Headache'], relapse: true },
  { text: '全身痒 没有疹子', intent: 'side_effect', terms: ['Pruritus'], relapse: true },
  { text: '脖子上摸到几个淋巴结 黄豆大', intent: 'symptom', terms: ['Blood and lymphatic system disorders - Other, specify'], relapse: true },
  { text: '最近特别口渴 一晚上起来尿三四次', intent: 'side_effect', terms: ['Hyperglycemia'], relapse: true, redFlag: true },

  // ── supply ─────────────────────────────────────────────────────────────────
  { text: '骁悉快吃完了 就剩两天的', intent: 'supply', supplyDrugs: ['mmf'] },
  { text: '强的松没了 医院什么时候能开', intent: 'supply', supplyDrugs: ['prednisone'] },
  { text: 'ran out of leflunomide yesterday', intent: 'supply', supplyDrugs: ['lef'] },
  { text: '药快没了 怎么续药', intent: 'supply' },
  { text: '2 骁悉断了 药房没货', ctx: 'dose', intent: 'supply', dose: 'missed', missedDrugs: ['mmf'], supplyDrugs: ['mmf'] },
  { text: '爱若华只剩一盒了 下周复诊能开吗', intent: 'supply', supplyDrugs: ['lef'] },
  { text: '潑尼松吃完了 還沒去拿藥', intent: 'supply', supplyDrugs: ['prednisone'] },
  { text: 'this is his wife, he has no more cellcept, pharmacy said next week', intent: 'supply', supplyDrugs: ['mmf'] },

  // ── resolved / denied ──────────────────────────────────────────────────────
  { text: '我妈拉肚子已经好了 谢谢', intent: 'unclear', resolved: ['Diarrhea'] },
  { text: '没有 上周的恶心好了', ctx: 'screen', intent: 'answer', resolved: ['Nausea'] },
  { text: 'rash gone now', intent: 'unclear', resolved: ['Rash maculo-papular'] },
  { text: '烧退了 今天36.8', intent: 'unclear', resolved: ['Fever'], tempC: 36.8 },
  { text: '没发烧 也不咳嗽 就是有点累', intent: 'side_effect', terms: ['Fatigue'] },
  { text: 'no fever no diarrhea all good', ctx: 'screen', intent: 'answer' },
  { text: '頭痛好多了 已經不痛了', intent: 'unclear', resolved: ['Headache'] },
  { text: '能睡着了 失眠好了 就是还掉头发', intent: 'side_effect', terms: ['Alopecia'], resolved: ['Insomnia'] },

  // ── weekly check-in answers ────────────────────────────────────────────────
  { text: '0', ctx: 'screen', intent: 'answer' },
  { text: '没有', ctx: 'screen', intent: 'answer' },
  { text: 'none this week thanks', ctx: 'screen', intent: 'answer' },
  { text: '2 7', ctx: 'items', intent: 'answer' },
  { text: '1和8', ctx: 'items', intent: 'answer' },
  { text: '2', ctx: 'severity', intent: 'answer', terms: ['Nausea'] },
  { text: '轻微', ctx: 'severity', intent: 'answer', terms: ['Nausea'] },
  { text: '沒有 都好', ctx: 'screen', intent: 'answer' },

  // ── commands and chit-chat ─────────────────────────────────────────────────
  { text: 'STOP', intent: 'opt_out' },
  { text: '退订', intent: 'opt_out' },
  { text: 'HELP', intent: 'help' },
  { text: 'START', intent: 'opt_in' },
  { text: '謝謝醫生 辛苦了🙏', intent: 'unclear' },
  { text: '下次复查是几号', intent: 'unclear' },
  { text: 'TD', intent: 'opt_out' },
];

/** Cases still misread (`ctx|text` → what differs), asserted as still misread: a fix shows as a failing test that asks to move it out. */
export const blind4Misreads: Record<string, string> = {
  "none|血压有点高 今天量150/95": "intent unclear ≠ side_effect; terms [] ≠ [\"Hypertension\"]",
  "none|my dad says his muscles ache all over and he's sleeping badly": "terms [\"Insomnia\"] ≠ [\"Insomnia\",\"Myalgia\"]",
  "none|眼皮肿了 早上起来更明显": "terms [\"Eye disorders - Other, specify\"] ≠ [\"Edema face\"]",
  "none|pain upper stomach going through to my back": "intent unclear ≠ side_effect; terms [] ≠ [\"Abdominal pain\",\"Back pain\"]; relapseSignal false",
  "none|脖子上摸到几个淋巴结 黄豆大": "intent unclear ≠ symptom; terms [] ≠ [\"Blood and lymphatic system disorders - Other, specify\"]; relapseSignal false",
  "dose|2 骁悉断了 药房没货": "missedDrugs undefined",
  "none|this is his wife, he has no more cellcept, pharmacy said next week": "intent unclear ≠ supply; supplyDrugs undefined",
  "none|頭痛好多了 已經不痛了": "intent side_effect ≠ unclear; terms [\"Headache\"] ≠ []; relapseSignal true; resolved undefined",
};
