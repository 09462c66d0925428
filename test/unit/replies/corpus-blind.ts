/**
 * Blind reply corpus: 100 patient SMS replies written from the trial protocol, the SMS facts and
 * the list of reportable CTCAE terms only, without reading the interpreter's rules, its lexicon
 * or the other corpora. It measures how the interpreter generalises to phrasings nobody tuned on.
 * Mix: ~60 % Simplified Chinese, ~10 % Traditional, ~30 % English.
 *
 * Lead's corrections after the first run (2026-12-06), each marked "lead:" where it is: four labels
 * the protocol or the system's documented reading contradicted (fever 38.2 °C and symptomatic
 * hyperglycemia are red flags in trial-protocol.md's table; a severity answer grades the item asked
 * about). First run, before any rule change for it: 69/100 strict; with the corrections: 73/100.
 * After the rules for the held-out corpus's families (corpus-gaps.ts, first part): 75/100, the
 * last figure of this set as an unseen measure. Then its failing families were given rules, from
 * new cases written first in other words (corpus-gaps.ts, second and third parts): 91/100, no longer unseen.
 */
import type { CorpusCase } from './corpus.ts';

export const blindCorpus: CorpusCase[] = [
  // ── supply (15) ──────────────────────────────────────────────────────────────
  { text: '骁悉就剩两天的量了 医院号挂不上 咋办', intent: 'supply', supplyDrugs: ['mmf'] },
  { text: '泼尼松吃没了，药房说这个月缺货', intent: 'supply', supplyDrugs: ['prednisone'] },
  { text: '来氟米特吃完了 社区医院开不了这个药', intent: 'supply', supplyDrugs: ['lef'] },
  { text: '爱若华还剩3片 最早下礼拜才能挂上号', intent: 'supply', supplyDrugs: ['lef'] },
  { text: '药快吃完了 能帮忙开点不', intent: 'supply' },
  { text: '激素片没了 明天就断顿了', intent: 'supply', supplyDrugs: ['prednisone'] },
  { text: '强的松断货了 跑了三家药店都没买着', intent: 'supply', supplyDrugs: ['prednisone'] },
  { text: '医保卡出了点问题 这个月的麦考酚酯取不出来', intent: 'supply', supplyDrugs: ['mmf'] },
  { text: '骁悉没药了 这两天还有点拉稀', intent: 'supply', supplyDrugs: ['mmf'], terms: ['Diarrhea'] },
  {
    text: '骁悉昨天就吃完了 今早只吃了泼尼松',
    ctx: 'dose',
    intent: 'supply',
    supplyDrugs: ['mmf'],
    dose: 'missed',
    missedDrugs: ['mmf'],
  },
  { text: '潑尼松和驍悉都快沒了 醫院一直排不上號', intent: 'supply', supplyDrugs: ['prednisone', 'mmf'] },
  { text: 'pharmacy out of cellcept again. what do i do', intent: 'supply', supplyDrugs: ['mmf'] },
  { text: 'ran out of prednisone yesterday n cant get an appt till the 15th', intent: 'supply', supplyDrugs: ['prednisone'] },
  { text: 'need a refill on my arava pls only 2 tabs left', intent: 'supply', supplyDrugs: ['lef'] },
  { text: 'my pred script expired and dr zhang is on leave til next month', intent: 'supply', supplyDrugs: ['prednisone'] },

  // ── side effects (30) ────────────────────────────────────────────────────────
  { text: '今天拉了八九回了 全是水', intent: 'side_effect', terms: ['Diarrhea'], grades: { Diarrhea: 3 }, redFlag: true },
  { text: '闹肚子 今天跑了三趟厕所', intent: 'side_effect', terms: ['Diarrhea'], grades: { Diarrhea: 1 } },
  {
    text: '发烧38度9 浑身发冷打哆嗦',
    intent: 'side_effect',
    terms: ['Fever', 'Chills'],
    tempC: 38.9,
    grades: { Fever: 1 },
    redFlag: true,
  },
  { text: '下午烧到三十九度五 吃了退烧药还没退', intent: 'side_effect', terms: ['Fever'], tempC: 39.5, grades: { Fever: 2 }, redFlag: true },
  { text: '有点低烧 量了38.2', intent: 'side_effect', terms: ['Fever'], tempC: 38.2, grades: { Fever: 1 }, redFlag: true }, // lead: protocol red flag "fever ≥ 38 °C" (was: no red flag)
  { text: '身上起了好多红疹子 胳膊上最多', intent: 'side_effect', terms: ['Rash maculo-papular'] },
  { text: '嘴里起了个溃疡 吃东西有点疼', intent: 'side_effect', terms: ['Mucositis oral'] },
  { text: '晚上睡不着觉 翻来覆去到三四点才睡', intent: 'side_effect', terms: ['Insomnia'] },
  { text: '心情很低落 啥也不想干 老想哭', intent: 'side_effect', terms: ['Depression'], grades: { Depression: 3 }, redFlag: true },
  { text: '最近老是口渴 一天喝好几壶水 测了下空腹血糖9点几', intent: 'side_effect', terms: ['Hyperglycemia'], relapse: true, redFlag: true }, // lead: protocol "yes if symptomatic" (was: no red flag)
  { text: '鼻子出血了 捂了十几分钟才止住', intent: 'side_effect', terms: ['Epistaxis'], redFlag: true },
  { text: '大便是黑的 跟柏油似的 黏糊糊', intent: 'side_effect', terms: ['Upper gastrointestinal hemorrhage'], redFlag: true },
  { text: '喘不上气 上一层楼就得歇会儿', intent: 'side_effect', terms: ['Dyspnea'], redFlag: true, relapse: true },
  { text: '咳嗽一个礼拜了 有白痰 不发烧', intent: 'side_effect', terms: ['Cough'], redFlag: true, relapse: true },
  { text: '眼睛发黄 尿跟浓茶一个色', intent: 'side_effect', terms: ['Blood bilirubin increased'], redFlag: true, relapse: true },
  {
    text: '月经推迟快三周了 今天测了两道杠',
    intent: 'side_effect',
    terms: ['Pregnancy, puerperium and perinatal conditions - Other, specify'],
    redFlag: true,
  },
  { text: '拉稀 还烧到38.6', intent: 'side_effect', terms: ['Diarrhea', 'Fever'], tempC: 38.6, grades: { Fever: 1 }, redFlag: true },
  { text: '有时候会想 死了就解脱了', intent: 'side_effect', terms: ['Suicidal ideation'], redFlag: true },
  { text: '脸上背上长了好多痘 跟青春期似的', intent: 'side_effect', terms: ['Rash acneiform'] },
  { text: 'mild headache for 2 days now', intent: 'side_effect', terms: ['Headache'], grades: { Headache: 1 }, relapse: true },
  { text: '這幾天有點噁心 吃不下飯', intent: 'side_effect', terms: ['Nausea', 'Anorexia'], grades: { Nausea: 1 } },
  { text: '昨晚發燒到38.7度', intent: 'side_effect', terms: ['Fever'], tempC: 38.7, grades: { Fever: 1 }, redFlag: true },
  { text: '刷牙牙齦一直流血', intent: 'side_effect', terms: ['Oral hemorrhage'], redFlag: true },
  { text: 'feeling sick to my stomach, threw up twice today', intent: 'side_effect', terms: ['Nausea', 'Vomiting'], grades: { Vomiting: 1 } },
  {
    text: 'keep throwing up, 7 or 8 times since this morning, cant keep water down',
    intent: 'side_effect',
    terms: ['Vomiting'],
    grades: { Vomiting: 3 },
    redFlag: true,
  },
  { text: 'fever 101.5F since last nite', intent: 'side_effect', terms: ['Fever'], tempC: 38.6, grades: { Fever: 1 }, redFlag: true },
  {
    text: 'temp 102.8 and shaking chills',
    intent: 'side_effect',
    terms: ['Fever', 'Chills'],
    tempC: 39.3,
    grades: { Fever: 2 },
    redFlag: true,
  },
  { text: 'hair coming out in clumps in the shower', intent: 'side_effect', terms: ['Alopecia'] },
  { text: 'face getting round like a moon lol, up 4kg', intent: 'side_effect', terms: ['Cushingoid', 'Weight gain'] },
  { text: 'bright red blood when i poop', intent: 'side_effect', terms: ['Lower gastrointestinal hemorrhage'], redFlag: true },

  // ── relapse signs (15) ───────────────────────────────────────────────────────
  { text: '这两天下巴底下又鼓起来了 摸着硬邦邦的', intent: 'symptom', terms: ['Salivary duct inflammation'], relapse: true },
  { text: '早上起来两个眼皮都是肿的 好几天了', intent: 'symptom', terms: ['Edema face'], relapse: true },
  { text: '感觉眼珠子往外凸 看东西有重影', intent: 'symptom', terms: ['Eye disorders - Other, specify'], relapse: true },
  {
    text: '脖子右边摸着一个疙瘩 不疼 花生米大小',
    intent: 'symptom',
    terms: ['Blood and lymphatic system disorders - Other, specify'],
    relapse: true,
  },
  { text: '小便泡沫特多 半天不散', intent: 'side_effect', terms: ['Proteinuria'], relapse: true },
  { text: '上腹隐隐作痛 吃完饭更明显', intent: 'side_effect', terms: ['Abdominal pain'], relapse: true },
  { text: '身上老痒痒 也没起疹子', intent: 'side_effect', terms: ['Pruritus'], relapse: true },
  { text: 'lost like 5 kg in a month without trying', intent: 'side_effect', terms: ['Weight loss'], relapse: true },
  { text: 'both sides under my jaw swollen again, like before i was diagnosed', intent: 'symptom', terms: ['Salivary duct inflammation'], relapse: true },
  { text: 'my left eye is pushing out and i see double looking up', intent: 'symptom', terms: ['Eye disorders - Other, specify'], relapse: true },
  {
    text: 'found a lump in my armpit about the size of a grape',
    intent: 'symptom',
    terms: ['Blood and lymphatic system disorders - Other, specify'],
    relapse: true,
  },
  { text: 'ankles and legs puffy, shoes dont fit anymore', intent: 'side_effect', terms: ['Edema limbs'], relapse: true },
  { text: 'peeing way less than usual the last 3 days', intent: 'symptom', terms: ['Renal and urinary disorders - Other, specify'], relapse: true },
  { text: '腮腺又腫起來了', intent: 'symptom', terms: ['Salivary duct inflammation'], relapse: true },
  { text: '背痛 兩邊腰側也痛', intent: 'symptom', terms: ['Back pain'], relapse: true },

  // ── resolved / negated (12) ──────────────────────────────────────────────────
  { text: '烧已经退了 今天早上36度6', intent: 'unclear', tempC: 36.6, resolved: ['Fever'] },
  { text: '拉肚子好了 这两天大便正常了', intent: 'unclear', resolved: ['Diarrhea'] },
  { text: '嘴里那个溃疡长好了', intent: 'unclear', resolved: ['Mucositis oral'] },
  { text: '没发烧也没拉肚子 就想问下次复查啥时候', intent: 'unclear' },
  { text: '前两天有点恶心 现在不恶心了 都挺好', intent: 'unclear', resolved: ['Nausea'] },
  { text: '疹子下去了 就是这两天嗓子疼', intent: 'side_effect', terms: ['Sore throat'], resolved: ['Rash maculo-papular'] },
  {
    text: '不咳嗽了 就是还有点喘',
    intent: 'side_effect',
    terms: ['Dyspnea'],
    grades: { Dyspnea: 1 },
    redFlag: true,
    relapse: true,
    resolved: ['Cough'],
  },
  { text: '頭不痛了 謝謝關心', intent: 'unclear', resolved: ['Headache'] },
  { text: 'rash cleared up, thx for checking', intent: 'unclear', resolved: ['Rash maculo-papular'] },
  { text: 'no more nausea since i started taking it with food', intent: 'unclear', resolved: ['Nausea'] },
  { text: 'had a nosebleed last week but nothing since', intent: 'unclear', resolved: ['Epistaxis'] },
  { text: 'cough is finally gone', intent: 'unclear', resolved: ['Cough'] },

  // ── dose answers, dose question open (12) ───────────────────────────────────
  { text: '吃过了', ctx: 'dose', intent: 'dose_taken', dose: 'taken' },
  { text: '早饭后都吃了👌', ctx: 'dose', intent: 'dose_taken', dose: 'taken' },
  { text: '强的松吃了 骁悉落单位了没吃上', ctx: 'dose', intent: 'dose_missed', dose: 'missed', missedDrugs: ['mmf'] },
  { text: '2 睡过头了', ctx: 'dose', intent: 'dose_missed', dose: 'missed' },
  { text: '今早没吃 中午才起来', ctx: 'dose', intent: 'dose_missed', dose: 'missed' },
  { text: '早上的吃了 晚上那顿骁悉还没到点', ctx: 'dose', intent: 'dose_taken', dose: 'taken' },
  {
    text: '吃了 就是吃完胃里有点恶心',
    ctx: 'dose',
    intent: 'side_effect',
    dose: 'taken',
    terms: ['Nausea'],
    grades: { Nausea: 1 },
  },
  { text: '泼尼松忘吃了 另外那个吃了', ctx: 'dose', intent: 'dose_missed', dose: 'missed', missedDrugs: ['prednisone'] },
  { text: '還沒吃 等一下就吃', ctx: 'dose', intent: 'dose_missed', dose: 'missed' },
  { text: 'forgot the pred this am, took the cellcept tho', ctx: 'dose', intent: 'dose_missed', dose: 'missed', missedDrugs: ['prednisone'] },
  { text: 'took both w breakfast', ctx: 'dose', intent: 'dose_taken', dose: 'taken' },
  { text: 'yes done ✅', ctx: 'dose', intent: 'dose_taken', dose: 'taken' },

  // ── weekly check-in answers (8) ─────────────────────────────────────────────
  { text: '0 挺好的', ctx: 'screen', intent: 'answer' },
  { text: '沒有 都挺好的', ctx: 'screen', intent: 'answer' },
  { text: 'nope all good this week', ctx: 'screen', intent: 'answer' },
  { text: '2和7', ctx: 'items', intent: 'answer' },
  { text: '第8个 晚上老醒', ctx: 'items', intent: 'answer' },
  { text: '中等吧', ctx: 'severity', intent: 'answer', terms: ['Nausea'] }, // lead: the answer grades the item asked about (was: no term)
  { text: 'mild', ctx: 'severity', intent: 'answer', terms: ['Nausea'] }, // lead: as above
  { text: '都没有 就是后背疼', ctx: 'items', intent: 'symptom', terms: ['Back pain'], relapse: true },

  // ── commands and chit-chat (8) ──────────────────────────────────────────────
  { text: '退订', intent: 'opt_out' },
  { text: 'Stop', intent: 'opt_out' },
  { text: 'td', intent: 'opt_out' },
  { text: 'START', intent: 'opt_in' },
  { text: '帮助', intent: 'help' },
  { text: 'Help', intent: 'help' },
  { text: '谢谢王护士 您辛苦了🙏', intent: 'unclear' },
  { text: '下個月複查要空腹嗎', intent: 'unclear' },
];

/** Cases still misread (`ctx|text` → what differs), asserted as still misread: a fix shows as a failing test that asks to move it out. */
export const blindMisreads: Record<string, string> = {
  "dose|骁悉昨天就吃完了 今早只吃了泼尼松": "doseAnswer taken; missedDrugs undefined; supplyDrugs [\"prednisone\",\"mmf\"]",
  "none|心情很低落 啥也不想干 老想哭": "redFlag false; grade Depression 2 ≠ 3",
  "none|face getting round like a moon lol, up 4kg": "terms [\"Cushingoid\"] ≠ [\"Cushingoid\",\"Weight gain\"]",
  "none|早上起来两个眼皮都是肿的 好几天了": "terms [\"Eye disorders - Other, specify\"] ≠ [\"Edema face\"]",
  "none|脖子右边摸着一个疙瘩 不疼 花生米大小": "terms [\"Neck edema\"] ≠ [\"Blood and lymphatic system disorders - Other, specify\"]",
  "none|had a nosebleed last week but nothing since": "a decision, not a misread to fix: a bleed that stopped is still reported (docs/replies.md); the writer read it as resolved",
  "dose|强的松吃了 骁悉落单位了没吃上": "missedDrugs undefined",
};
