/**
 * Second blind corpus: 100 patient SMS replies written without looking at the reply rules,
 * the lexicon or any other corpus. Labels follow the trial protocol's red-flag / relapse table
 * and CTCAE v5 grading. Used only to measure how the interpreter generalises.
 *
 * Lead (2026-12-06): written after the session's rule changes and run on them: 72/100 strict (the
 * same text on the rules the session started from, b3637b8: 66/100), the honest unseen figure.
 * Two labels corrected against the contract the writer was given (numbered picks answer the items
 * question, marked "lead:"): 74/100. Then its three missed red flags (self-harm in -ing forms, a
 * period weeks late, red urine) were given rules from new cases in other words (corpus-gaps.ts,
 * fourth part): 77/100, no longer unseen for those. Then seven more families (a second symptom
 * after 还/也, 腺体, 往外鼓, a neck "swollen", "这两天好了", the menu's 二) from corpus-gaps.ts part
 * five: 84/100.
 */
import type { CorpusCase } from './corpus.ts';

export const blind2Corpus: CorpusCase[] = [
  // ── supply (12) ──
  { text: '骁悉吃完了 医院的号一直挂不上 咋办', intent: 'supply', supplyDrugs: ['mmf'] },
  { text: '来氟米特就剩两片了，药房说这个月缺货', intent: 'supply', supplyDrugs: ['lef'] },
  { text: 'Ran out of prednisone yesterday cant get to the hospital til monday', intent: 'supply', supplyDrugs: ['prednisone'] },
  { text: '强的松吃完了 今早没吃上 骁悉吃了', ctx: 'dose', intent: 'supply', dose: 'missed', missedDrugs: ['prednisone'], supplyDrugs: ['prednisone'] },
  { text: "pharmacy says cellcept out of stock, they've ordered it but could be a week", intent: 'supply', supplyDrugs: ['mmf'] },
  { text: '強的松吃完了，藥房說下禮拜才有貨', intent: 'supply', supplyDrugs: ['prednisone'] },
  { text: 'last box of arava, how do i get a new script?', intent: 'supply', supplyDrugs: ['lef'] },
  { text: '麦考酚的方子过期了 大夫停诊开不出来', intent: 'supply', supplyDrugs: ['mmf'] },
  { text: "Hi this is Wang Li's daughter. Mom's mycophenolate is finished and the clinic has no appointments this week", intent: 'supply', supplyDrugs: ['mmf'] },
  { text: '强的松跟吗替麦考酚酯都快没了 下周才能去医院', intent: 'supply', supplyDrugs: ['prednisone', 'mmf'] },
  { text: 'Leflunomide ran out 2 days ago. also having loose stools 2-3 times a day', intent: 'supply', supplyDrugs: ['lef'], terms: ['Diarrhea'], grades: { Diarrhea: 1 } },
  { text: '爱若华断货了 跑了三家药店都没有', intent: 'supply', supplyDrugs: ['lef'] },

  // ── dose answers (13) ──
  { text: 'Took them all 👍', ctx: 'dose', intent: 'dose_taken', dose: 'taken' },
  { text: 'forgot this morning 😩', ctx: 'dose', intent: 'dose_missed', dose: 'missed' },
  { text: '强的松吃了 骁悉忘了', ctx: 'dose', intent: 'dose_missed', dose: 'missed', missedDrugs: ['mmf'] },
  { text: 'took pred but skipped the mycophenolate, was running late for work', ctx: 'dose', intent: 'dose_missed', dose: 'missed', missedDrugs: ['mmf'] },
  { text: '早上的都吃了 晚上那顿还没到点呢', ctx: 'dose', intent: 'dose_taken', dose: 'taken' },
  { text: '还没吃呢 等会儿吃完早饭再吃', ctx: 'dose', intent: 'dose_missed', dose: 'missed' },
  { text: '吃过了，就是吃完有点犯恶心', ctx: 'dose', intent: 'side_effect', dose: 'taken', terms: ['Nausea'], grades: { Nausea: 1 } },
  { text: '2 出门忘带药了', ctx: 'dose', intent: 'dose_missed', dose: 'missed' },
  { text: 'Mum took them late, about 11, she overslept', ctx: 'dose', intent: 'dose_taken', dose: 'taken' },
  { text: '早上的藥都吃了', ctx: 'dose', intent: 'dose_taken', dose: 'taken' },
  { text: 'only took the prednisone. the cellcept made me throw up twice yesterday so I left it', ctx: 'dose', intent: 'side_effect', dose: 'missed', missedDrugs: ['mmf'], terms: ['Vomiting'], grades: { Vomiting: 1 } },
  { text: '二', ctx: 'dose', intent: 'dose_missed', dose: 'missed' },
  { text: '来氟米特吃了', ctx: 'dose', intent: 'dose_taken', dose: 'taken' },

  // ── weekly check-in answers (10) ──
  { text: '0', ctx: 'screen', intent: 'answer' },
  { text: '没有 都挺好的', ctx: 'screen', intent: 'answer' },
  { text: '沒有', ctx: 'screen', intent: 'answer' },
  { text: '1 拉肚子 一天五六次', ctx: 'screen', intent: 'side_effect', terms: ['Diarrhea'], grades: { Diarrhea: 2 }, redFlag: true },
  { text: '2 7', ctx: 'items', intent: 'answer' }, // lead: picks from the menu answer the open question (the writer's contract: "with no new term is answer"); was side_effect with the items' terms
  { text: '1和8', ctx: 'items', intent: 'answer' }, // lead: as above
  { text: 'cough and tired', ctx: 'items', intent: 'side_effect', terms: ['Cough', 'Fatigue'], redFlag: true, relapse: true },
  { text: '2', ctx: 'severity', intent: 'answer', terms: ['Nausea'], grades: { Nausea: 2 } },
  { text: '很严重 受不了', ctx: 'severity', intent: 'answer', terms: ['Nausea'], grades: { Nausea: 3 }, redFlag: true },
  { text: 'a little', ctx: 'severity', intent: 'answer', terms: ['Nausea'], grades: { Nausea: 1 } },

  // ── resolved / negated (12) ──
  { text: '上礼拜拉稀 这两天好了', intent: 'unclear', resolved: ['Diarrhea'] },
  { text: 'no more fever since tuesday 🙂', intent: 'unclear', resolved: ['Fever'] },
  { text: '身上的疹子都消了', intent: 'unclear', resolved: ['Rash maculo-papular'] },
  { text: '没发烧没咳嗽也不拉肚子 就想问下次啥时候抽血', intent: 'unclear' },
  { text: 'Was nauseous last week, fine now', intent: 'unclear', resolved: ['Nausea'] },
  { text: '头不疼了 谢谢关心', intent: 'unclear', resolved: ['Headache'] },
  { text: 'the cough finally cleared up, thanks', intent: 'unclear', resolved: ['Cough'] },
  { text: '嘴巴破的地方已經好了', intent: 'unclear', resolved: ['Mucositis oral'] },
  { text: 'rash is gone but now both ankles are swollen', intent: 'side_effect', terms: ['Edema limbs'], relapse: true, resolved: ['Rash maculo-papular'] },
  { text: '不吐了 就是还没啥胃口', intent: 'side_effect', terms: ['Anorexia'], resolved: ['Vomiting'] },
  { text: '以前眼皮肿 现在消下去了', intent: 'unclear', resolved: ['Edema face'] },
  { text: 'No fever, no cough, no diarrhoea. Just checking in', intent: 'unclear' },

  // ── relapse signs (15) ──
  { text: '眼皮又肿起来了 跟刚得病那会儿一样', intent: 'symptom', terms: ['Edema face'], relapse: true },
  { text: '下巴底下那俩腺体又大了 摸着硬邦邦的', intent: 'symptom', terms: ['Salivary duct inflammation'], relapse: true },
  { text: '腮帮子两边又鼓起来了', intent: 'symptom', terms: ['Salivary duct inflammation'], relapse: true },
  { text: 'seeing double since yesterday', intent: 'symptom', terms: ['Eye disorders - Other, specify'], relapse: true },
  { text: '左眼往外鼓 照镜子看出来的', intent: 'symptom', terms: ['Eye disorders - Other, specify'], relapse: true },
  { text: '腰眼那儿酸疼好几天了', intent: 'symptom', terms: ['Back pain'], relapse: true },
  { text: '脖子上摸到好几个疙瘩 黄豆那么大', intent: 'symptom', terms: ['Blood and lymphatic system disorders - Other, specify'], relapse: true },
  { text: '上腹隐隐作痛 牵着后背也疼', intent: 'side_effect', terms: ['Abdominal pain', 'Back pain'], relapse: true },
  { text: "my mum's eyes and skin have gone yellow and her pee is dark like tea", intent: 'side_effect', terms: ['Blood bilirubin increased'], redFlag: true, relapse: true },
  { text: 'lost 5kg this month without trying', intent: 'side_effect', terms: ['Weight loss'], relapse: true },
  { text: 'her neck is swollen again on the left', intent: 'symptom', terms: ['Neck edema'], relapse: true },
  { text: '眼瞼又腫了 看東西有重影', intent: 'symptom', terms: ['Edema face', 'Eye disorders - Other, specify'], relapse: true },
  { text: 'headaches every afternoon this week', intent: 'side_effect', terms: ['Headache'], relapse: true },
  { text: 'skin is so itchy all over, no rash', intent: 'side_effect', terms: ['Pruritus'], relapse: true },
  { text: '腳腫了 一按一個坑 小便也少', intent: 'side_effect', terms: ['Edema limbs', 'Renal and urinary disorders - Other, specify'], relapse: true },

  // ── side effects (30) ──
  { text: '拉稀 一天跑了十来趟厕所 浑身没劲', intent: 'side_effect', terms: ['Diarrhea', 'Fatigue'], grades: { Diarrhea: 3 }, redFlag: true },
  { text: '闹肚子 一天两三回', intent: 'side_effect', terms: ['Diarrhea'], grades: { Diarrhea: 1 } },
  { text: 'temp 101.8F and shaking chills', intent: 'side_effect', terms: ['Fever', 'Chills'], tempC: 38.8, grades: { Fever: 1 }, redFlag: true },
  { text: '发烧39度5 嗓子眼疼', intent: 'side_effect', terms: ['Fever', 'Sore throat'], tempC: 39.5, grades: { Fever: 2 }, redFlag: true },
  { text: 'my husband has had a cough for 3 days and temp 38.4', intent: 'side_effect', terms: ['Cough', 'Fever'], tempC: 38.4, grades: { Fever: 1 }, redFlag: true, relapse: true },
  { text: '今天吐了四回 头还晕', intent: 'side_effect', terms: ['Vomiting', 'Dizziness'], grades: { Vomiting: 2 } },
  { text: '犯恶心 挺难受的', intent: 'side_effect', terms: ['Nausea'], grades: { Nausea: 2 } },
  { text: '整宿整宿睡不着 白天心慌', intent: 'side_effect', terms: ['Insomnia', 'Palpitations'] },
  { text: 'hair coming out in clumps in the shower', intent: 'side_effect', terms: ['Alopecia'] },
  { text: 'fingers tingly n numb esp in the mornings', intent: 'side_effect', terms: ['Peripheral sensory neuropathy'] },
  { text: '嘴里起了好几个溃疡 身上也出红疹子了', intent: 'side_effect', terms: ['Mucositis oral', 'Rash maculo-papular'], redFlag: true },
  { text: '胳膊上起了几个大水泡', intent: 'side_effect', terms: ['Bullous dermatitis'], redFlag: true },
  { text: '牙齦出血 一刷牙就流', intent: 'side_effect', terms: ['Oral hemorrhage'], redFlag: true },
  { text: '大便黑的 跟柏油似的', intent: 'side_effect', terms: ['Upper gastrointestinal hemorrhage'], redFlag: true },
  { text: '鼻子流血 半天止不住', intent: 'side_effect', terms: ['Epistaxis'], redFlag: true },
  { text: '腿上青一块紫一块的 也没磕着', intent: 'side_effect', terms: ['Bruising'] },
  { text: '血糖仪测了18 老口渴 尿也特别多', intent: 'side_effect', terms: ['Hyperglycemia'], redFlag: true, relapse: true },
  { text: 'been a bit low in mood lately', intent: 'side_effect', terms: ['Depression'], grades: { Depression: 1 } },
  { text: '我爸这两天说胡话 连我都不认识了', intent: 'side_effect', terms: ['Confusion'], redFlag: true },
  { text: "I've been having thoughts of hurting myself", intent: 'side_effect', terms: ['Suicidal ideation'], redFlag: true },
  { text: '上两层楼就喘不上气 得歇好几回', intent: 'side_effect', terms: ['Dyspnea'], redFlag: true, relapse: true },
  { text: 'period is 3 weeks late, im on leflunomide, scared', intent: 'side_effect', terms: ['Pregnancy, puerperium and perinatal conditions - Other, specify'], redFlag: true },
  { text: '脸越来越圆 还胖了八斤', intent: 'side_effect', terms: ['Cushingoid', 'Weight gain'] },
  { text: '尿是红的 像洗肉水', intent: 'side_effect', terms: ['Hematuria'], redFlag: true },
  { text: '發燒了 38度2 渾身痠痛', intent: 'side_effect', terms: ['Fever', 'Myalgia'], tempC: 38.2, grades: { Fever: 1 }, redFlag: true },
  { text: '一直拉肚子 一天五六次 還有點噁心', intent: 'side_effect', terms: ['Diarrhea', 'Nausea'], grades: { Diarrhea: 2, Nausea: 1 }, redFlag: true },
  { text: 'pls my mum vomit 6 times today what to do', intent: 'side_effect', terms: ['Vomiting'], grades: { Vomiting: 3 }, redFlag: true },
  { text: '咳嗽 发烧38.9 大夫说是肺炎 住院了', intent: 'side_effect', terms: ['Cough', 'Fever', 'Lung infection'], tempC: 38.9, grades: { Fever: 1 }, redFlag: true, relapse: true },
  { text: 'worst headache of my life, severe', intent: 'side_effect', terms: ['Headache'], grades: { Headache: 3 }, redFlag: true, relapse: true },
  { text: '頭暈 站起來眼前發黑', intent: 'side_effect', terms: ['Dizziness'] },

  // ── commands and chit-chat (8) ──
  { text: 'stop', intent: 'opt_out' },
  { text: '退订', intent: 'opt_out' },
  { text: '帮助', intent: 'help' },
  { text: 'START', intent: 'opt_in' },
  { text: '谢谢王护士 辛苦了🌹🌹', intent: 'unclear' },
  { text: '下次复查是几号来着', intent: 'unclear' },
  { text: 'Sorry wrong number', intent: 'unclear' },
  { text: '👍', intent: 'unclear' },
];

/** Cases still misread (`ctx|text` → what differs), asserted as still misread: a fix shows as a failing test that asks to move it out. */
export const blind2Misreads: Record<string, string> = {
  "dose|强的松吃完了 今早没吃上 骁悉吃了": "missedDrugs undefined; supplyDrugs [\"prednisone\",\"mmf\"]",
  "none|last box of arava, how do i get a new script?": "intent unclear ≠ supply; supplyDrugs undefined",
  "none|Hi this is Wang Li's daughter. Mom's mycophenolate is finished and the clinic has no appointments this week": "intent unclear ≠ supply; supplyDrugs undefined",
  "dose|2 出门忘带药了": "intent supply ≠ dose_missed",
  "dose|only took the prednisone. the cellcept made me throw up twice yesterday so I left it": "doseAnswer taken; missedDrugs undefined",
  "none|嘴巴破的地方已經好了": "resolved undefined",
  "none|不吐了 就是还没啥胃口": "intent unclear ≠ side_effect; terms [] ≠ [\"Anorexia\"]; resolved undefined",
  "none|以前眼皮肿 现在消下去了": "resolved [\"Eye disorders - Other, specify\"]",
  "none|眼皮又肿起来了 跟刚得病那会儿一样": "terms [\"Eye disorders - Other, specify\"] ≠ [\"Edema face\"]",
  "none|脖子上摸到好几个疙瘩 黄豆那么大": "terms [\"Neck edema\"] ≠ [\"Blood and lymphatic system disorders - Other, specify\"]",
  "none|上腹隐隐作痛 牵着后背也疼": "terms [\"Abdominal pain\"] ≠ [\"Abdominal pain\",\"Back pain\"]",
  "none|眼瞼又腫了 看東西有重影": "terms [\"Eye disorders - Other, specify\"] ≠ [\"Edema face\",\"Eye disorders - Other, specify\"]",
  "none|腳腫了 一按一個坑 小便也少": "terms [\"Edema limbs\"] ≠ [\"Edema limbs\",\"Renal and urinary disorders - Other, specify\"]",
  "none|鼻子流血 半天止不住": "terms [\"Vascular disorders - Other, specify\"] ≠ [\"Epistaxis\"]",
  "none|been a bit low in mood lately": "intent unclear ≠ side_effect; terms [] ≠ [\"Depression\"]; grade Depression undefined ≠ 1",
  "none|脸越来越圆 还胖了八斤": "terms [\"Weight gain\"] ≠ [\"Cushingoid\",\"Weight gain\"]",
};
