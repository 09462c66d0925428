/**
 * Third blind corpus: 100 patient / family SMS replies written from the trial protocol's
 * red-flag and relapse tables and the CTCAE term list only, without reading the reply
 * rules, the lexicon or any earlier corpus. Emphasis: family members writing for the
 * patient and elderly writers (voice input, dialect, homophone slips), mixed
 * Chinese-English / pinyin, then plain Simplified, Traditional and English.
 *
 * Tags in the trailing comments: [F] family member, [E] elderly writer, [M] mixed/pinyin,
 * [S] Simplified, [T] Traditional, [EN] English.
 *
 * Lead (2026-12-06): written at the end of that session and run on its rules unseen: **70/100**
 * strict, 3 of the 21 expected red flags missed (on the rules the session began with, b3637b8:
 * 67/100, 5 missed). No label changed. Then the families of its three missed red flags (blood
 * brought up, chest pain as pressure or tightness, stools counted in English) and the homophone
 * 以 for 已 were given rules from new cases in other words (corpus-gaps.ts, seventh part):
 * 75/100 and no red flag missed, no longer unseen for those. Then appetite, joints and blurred
 * sight with words between, and "gone" after a few words of when (part eight): 78/100.
 */
import type { CorpusCase } from './corpus.ts';

const PREG = 'Pregnancy, puerperium and perinatal conditions - Other, specify';
const EYE = 'Eye disorders - Other, specify';
const RENAL = 'Renal and urinary disorders - Other, specify';
const LYMPH = 'Blood and lymphatic system disorders - Other, specify';

export const blind3Corpus: CorpusCase[] = [
  // ───────────── red flags (20) ─────────────
  { text: '我爸今天下午开始发烧，刚量了38.7度，浑身发冷直打哆嗦', intent: 'side_effect', terms: ['Fever', 'Chills'], redFlag: true, tempC: 38.7, grades: { Fever: 1 } }, // [F]
  { text: '喂喂 这个是发给医院的吧 俺这两天咳嗽的厉害 喘不上气来 走两步就的歇着', intent: 'side_effect', terms: ['Cough', 'Dyspnea'], redFlag: true, relapse: true }, // [E] 的 for 得
  { text: "My husband's eyes look yellow today and his pee is dark like tea", intent: 'side_effect', terms: ['Blood bilirubin increased'], redFlag: true, relapse: true }, // [F]
  { text: '今天拉肚子拉了七八回了 跟水一样 一直往厕所跑', intent: 'side_effect', terms: ['Diarrhea'], redFlag: true, grades: { Diarrhea: 3 } }, // [E]
  { text: '今天fever 38.5, 有点chills', intent: 'side_effect', terms: ['Fever', 'Chills'], redFlag: true, tempC: 38.5, grades: { Fever: 1 } }, // [M]
  { text: 'Passed black tarry stool twice this morning, feeling lightheaded', intent: 'side_effect', terms: ['Upper gastrointestinal hemorrhage', 'Dizziness'], redFlag: true }, // [EN]
  { text: '妈妈说她早上吐了一口血，咖啡色的', intent: 'side_effect', terms: ['Upper gastrointestinal hemorrhage'], redFlag: true }, // [F]
  { text: '這幾天心情很差，覺得活著沒意思，有時候想一了百了', intent: 'side_effect', terms: ['Depression', 'Suicidal ideation'], redFlag: true }, // [T]
  { text: '月经推迟两周了，今天用试纸测了是两道杠', intent: 'side_effect', terms: [PREG], redFlag: true }, // [S]
  { text: '我爸今天有点糊涂，连我都不认得了，说话颠三倒四的', intent: 'side_effect', terms: ['Confusion'], redFlag: true }, // [F]
  { text: '这阵子老是口渴 一天喝好几暖瓶水 夜里起来尿五六趟', intent: 'side_effect', terms: ['Hyperglycemia'], redFlag: true, relapse: true }, // [E]
  { text: '从昨晚开始胸口压着疼，一阵一阵的', intent: 'side_effect', terms: ['Pain'], redFlag: true }, // [S]
  { text: 'nose bleeding 止不住, 已经半个小时了', intent: 'side_effect', terms: ['Epistaxis'], redFlag: true }, // [M]
  { text: "My mom's pee looks pinkish red today and she says it burns when she goes", intent: 'side_effect', terms: ['Hematuria', 'Urinary tract pain'], redFlag: true }, // [F]
  { text: '刷牙的時候牙齦一直流血，身上也多了好多瘀青', intent: 'side_effect', terms: ['Oral hemorrhage', 'Bruising'], redFlag: true }, // [T]
  { text: '俺身上起了好些水泡 嘴里也烂了 疼的很', intent: 'side_effect', terms: ['Bullous dermatitis', 'Mucositis oral'], redFlag: true }, // [E]
  { text: 'fa shao le 39.2 du, zen me ban', intent: 'side_effect', terms: ['Fever'], redFlag: true, tempC: 39.2, grades: { Fever: 2 } }, // [M]
  { text: 'I had 5 watery stools today, temp 37.9', intent: 'side_effect', terms: ['Diarrhea'], redFlag: true, tempC: 37.9, grades: { Diarrhea: 2 } }, // [EN]
  { text: '孩子他爸喘得厉害，晚上躺不平，只能坐着睡', intent: 'side_effect', terms: ['Dyspnea'], redFlag: true, relapse: true }, // [F]
  { text: '老伴昨个夜里发烧了 家里没有体温计 摸着烫手', intent: 'side_effect', terms: ['Fever'], redFlag: true }, // [E]

  // ───────────── other side effects (20) ─────────────
  { text: '我妈最近晚上老睡不着，一宿要醒好几回', intent: 'side_effect', terms: ['Insomnia'] }, // [F]
  { text: '这几天掉头发 梳一下就掉一把 枕头上也是', intent: 'side_effect', terms: ['Alopecia'] }, // [E]
  { text: '手脚有点麻麻的, like pins and needles', intent: 'side_effect', terms: ['Peripheral sensory neuropathy'], grades: { 'Peripheral sensory neuropathy': 1 } }, // [M]
  { text: 'Feeling a bit queasy after the tablets, no vomiting though', intent: 'side_effect', terms: ['Nausea'], grades: { Nausea: 1 } }, // [EN]
  { text: '最近很容易累，下午就只想躺著', intent: 'side_effect', terms: ['Fatigue'] }, // [T]
  { text: "My dad's face has gone really round since starting the steroids, the doctor called it moon face", intent: 'side_effect', terms: ['Cushingoid'] }, // [F]
  { text: '胃里老反酸烧心 吃啥都不得劲', intent: 'side_effect', terms: ['Gastroesophageal reflux disease'] }, // [E]
  { text: 'la duzi 3 ci jintian', intent: 'side_effect', terms: ['Diarrhea'], grades: { Diarrhea: 1 } }, // [M]
  { text: '今天吐了两次，一吃药就想吐', intent: 'side_effect', terms: ['Vomiting', 'Nausea'], grades: { Vomiting: 1 } }, // [S]
  { text: '胸口和背上长了好多acne，跟青春期一样', intent: 'side_effect', terms: ['Rash acneiform'] }, // [M]
  { text: '我老公这几天腿抽筋，半夜疼醒好几次', intent: 'side_effect', terms: ['Muscle cramp'] }, // [F]
  { text: '血压today 150/95, 有点头晕', intent: 'side_effect', terms: ['Hypertension', 'Dizziness'] }, // [M]
  { text: '胃口很差，吃不太下東西', intent: 'side_effect', terms: ['Anorexia'] }, // [T]
  { text: '吃了药以后心口扑通扑通的跳 心慌的很 过一会就好', intent: 'side_effect', terms: ['Palpitations'] }, // [E]
  { text: 'Bruises on my arms from barely bumping into things, no bleeding anywhere', intent: 'side_effect', terms: ['Bruising'] }, // [EN]
  { text: '婆婆说肚子胀，不想吃东西', intent: 'side_effect', terms: ['Bloating', 'Anorexia'] }, // [F]
  { text: '好几天没拉大便了, constipated', intent: 'side_effect', terms: ['Constipation'] }, // [M]
  { text: '身上起了一些红疹子，有点痒，没有水泡，嘴里也没事', intent: 'side_effect', terms: ['Rash maculo-papular', 'Pruritus'], relapse: true, grades: { Pruritus: 1 } }, // [S]
  { text: '膝盖和手指关节比以前疼', intent: 'side_effect', terms: ['Arthralgia'] }, // [S]
  { text: '我爹说看东西模模糊糊的，像隔了层雾', intent: 'side_effect', terms: ['Blurred vision'] }, // [F]

  // ───────────── relapse signs (15) ─────────────
  { text: '我妈下巴底下又鼓起来了，跟上次发病的时候一样', intent: 'symptom', terms: ['Salivary duct inflammation'], relapse: true }, // [F]
  { text: '眼皮又肿起来了 早上起来眼睛眯成一条缝', intent: 'symptom', terms: ['Edema face'], relapse: true }, // [E]
  { text: "Seeing double since yesterday and my left eye looks like it's bulging a bit", intent: 'symptom', terms: [EYE], relapse: true }, // [EN]
  { text: 'back pain 又来了, 腰两边疼', intent: 'symptom', terms: ['Back pain'], relapse: true }, // [M]
  { text: '上腹部悶痛好幾天了，一直痛到背後', intent: 'side_effect', terms: ['Abdominal pain', 'Back pain'], relapse: true }, // [T]
  { text: 'My wife has lost about 4 kg this month without trying', intent: 'side_effect', terms: ['Weight loss'], relapse: true }, // [F]
  { text: '腿肿的一按一个坑 尿也比以前少了', intent: 'side_effect', terms: ['Edema limbs', RENAL], relapse: true }, // [E] 的 for 得
  { text: '两边腮帮子肿了，摸着硬硬的', intent: 'symptom', terms: ['Salivary duct inflammation'], relapse: true }, // [S]
  { text: 'Swollen lymph nodes in my neck again, feel like marbles', intent: 'symptom', terms: [LYMPH], relapse: true }, // [EN]
  { text: '最近一直headache, 两边太阳穴疼', intent: 'side_effect', terms: ['Headache'], relapse: true }, // [M]
  { text: '我爸最近全身皮肤痒，挠得到处是印子', intent: 'side_effect', terms: ['Pruritus'], relapse: true }, // [F]
  { text: '俺的脖子两边又粗了 衬衣扣子都扣不上了', intent: 'symptom', terms: ['Neck edema'], relapse: true }, // [E]
  { text: '眼睛又凸出來了，看東西有兩個影子', intent: 'symptom', terms: [EYE], relapse: true }, // [T]
  { text: 'xiao bian hen shao, yi tian jiu liang ci', intent: 'symptom', terms: [RENAL], relapse: true }, // [M]
  { text: '眼睛周圍和臉頰又腫起來了，跟確診前一樣', intent: 'symptom', terms: ['Edema face'], relapse: true }, // [T]

  // ───────────── supply (10) ─────────────
  { text: '我爸的骁悉快吃完了，只剩两天的，医院挂不上号开不了药', intent: 'supply', supplyDrugs: ['mmf'] }, // [F]
  { text: '强的松没了 药房说没货 叫俺过几天再来', intent: 'supply', supplyDrugs: ['prednisone'] }, // [E]
  { text: "Ran out of Arava yesterday, pharmacy says they can't get it in till next week", intent: 'supply', supplyDrugs: ['lef'] }, // [EN]
  { text: 'MMF 吃完了, 今天没吃', intent: 'supply', supplyDrugs: ['mmf'], dose: 'missed', missedDrugs: ['mmf'] }, // [M]
  { text: '來氟米特藥局缺貨，買不到', intent: 'supply', supplyDrugs: ['lef'] }, // [T]
  { text: "My mother's prednisone has run out and the clinic has no appointments until the 20th", intent: 'supply', supplyDrugs: ['prednisone'] }, // [F]
  { text: '吗替麦考酚酯的处方过期了，续不了药', intent: 'supply', supplyDrugs: ['mmf'] }, // [S]
  { text: '俺的药都吃光了 啥时候能再开点', intent: 'supply' }, // [E]
  { text: 'yao chi wan le, mei you le', intent: 'supply' }, // [M]
  { text: 'CellCept只剩3粒了, refill被拒了', intent: 'supply', supplyDrugs: ['mmf'] }, // [M]

  // ───────────── dose answers (12, ctx dose) ─────────────
  { text: '吃了吃了 早上起来就吃了', ctx: 'dose', intent: 'dose_taken', dose: 'taken' }, // [E]
  { text: '我妈今早的药已经吃过了', ctx: 'dose', intent: 'dose_taken', dose: 'taken' }, // [F]
  { text: 'yes took both', ctx: 'dose', intent: 'dose_taken', dose: 'taken' }, // [EN]
  { text: 'took 药 already', ctx: 'dose', intent: 'dose_taken', dose: 'taken' }, // [M]
  { text: '忘記吃了', ctx: 'dose', intent: 'dose_missed', dose: 'missed' }, // [T]
  { text: '爸爸早上睡过头了，药还没吃，等下给他补上', ctx: 'dose', intent: 'dose_missed', dose: 'missed' }, // [F]
  { text: '强的松以吃 骁悉忘了', ctx: 'dose', intent: 'dose_missed', dose: 'missed', missedDrugs: ['mmf'] }, // [E] 以 for 已
  { text: 'Took the prednisone but forgot the mycophenolate', ctx: 'dose', intent: 'dose_missed', dose: 'missed', missedDrugs: ['mmf'] }, // [EN]
  { text: 'chi le', ctx: 'dose', intent: 'dose_taken', dose: 'taken' }, // [M]
  { text: '2', ctx: 'dose', intent: 'dose_missed', dose: 'missed' }, // [S]
  { text: '吃了, but 有点恶心', ctx: 'dose', intent: 'side_effect', dose: 'taken', terms: ['Nausea'], grades: { Nausea: 1 } }, // [M]
  { text: 'My husband skipped his pills this morning, he had a fasting blood test', ctx: 'dose', intent: 'dose_missed', dose: 'missed' }, // [F]

  // ───────────── resolved / denied (10) ─────────────
  { text: '我爸的烧退了，今天量36.8', intent: 'unclear', resolved: ['Fever'], tempC: 36.8 }, // [F]
  { text: '没有没有 啥毛病都没有 好着呢', ctx: 'screen', intent: 'answer' }, // [E]
  { text: '0, the diarrhea from last week has stopped', ctx: 'screen', intent: 'answer', resolved: ['Diarrhea'] }, // [EN]
  { text: '1, 咳嗽 gone now', ctx: 'dose', intent: 'dose_taken', dose: 'taken', resolved: ['Cough'] }, // [M]
  { text: '上週的皮疹已經消了', intent: 'unclear', resolved: ['Rash maculo-papular'] }, // [T]
  { text: '0 不发烧也不咳嗽', ctx: 'screen', intent: 'answer' }, // [S]
  { text: 'No more nausea since they lowered the dose', intent: 'unclear', resolved: ['Nausea'] }, // [EN]
  { text: '妈妈说这周挺好的，之前睡不着的毛病已经好了', ctx: 'screen', intent: 'answer', resolved: ['Insomnia'] }, // [F]
  { text: '吃了 拉肚子以经好了', ctx: 'dose', intent: 'dose_taken', dose: 'taken', resolved: ['Diarrhea'] }, // [E] 以 for 已
  { text: 'bu fa shao le', intent: 'unclear', resolved: ['Fever'] }, // [M]

  // ───────────── weekly check-in answers (5) ─────────────
  { text: '1', ctx: 'screen', intent: 'answer' }, // [S]
  { text: '1 7', ctx: 'items', intent: 'answer' }, // [S]
  { text: '2', ctx: 'severity', intent: 'answer', terms: ['Nausea'], grades: { Nausea: 2 } }, // [S]
  { text: '3, 很严重', ctx: 'severity', intent: 'answer', terms: ['Nausea'], redFlag: true, grades: { Nausea: 3 } }, // [M]
  { text: 'yes, 1', ctx: 'screen', intent: 'answer' }, // [EN]

  // ───────────── commands / chit-chat (8) ─────────────
  { text: 'STOP', intent: 'opt_out' }, // [EN]
  { text: '退订', intent: 'opt_out' }, // [S]
  { text: 'TD', intent: 'opt_out' }, // [S]
  { text: 'START', intent: 'opt_in' }, // [EN]
  { text: '帮助', intent: 'help' }, // [S]
  { text: 'HELP', intent: 'help' }, // [EN]
  { text: '谢谢你们啊 天天提醒俺吃药 费心了', intent: 'unclear' }, // [E]
  { text: '我是他女儿，请问下个月复查要空腹吗', intent: 'unclear' }, // [F]
];

/** Cases still misread (`ctx|text` → what differs), asserted as still misread: a fix shows as a failing test that asks to move it out. */
export const blind3Misreads: Record<string, string> = {
  "none|My mom's pee looks pinkish red today and she says it burns when she goes": "terms [\"Hematuria\"] ≠ [\"Hematuria\",\"Urinary tract pain\"]",
  "none|俺身上起了好些水泡 嘴里也烂了 疼的很": "terms [\"Bullous dermatitis\"] ≠ [\"Bullous dermatitis\",\"Mucositis oral\"]",
  "none|手脚有点麻麻的, like pins and needles": "grade Peripheral sensory neuropathy null ≠ 1",
  "none|la duzi 3 ci jintian": "intent unclear ≠ side_effect; terms [] ≠ [\"Diarrhea\"]; grade Diarrhea undefined ≠ 1",
  "none|血压today 150/95, 有点头晕": "terms [\"Dizziness\"] ≠ [\"Dizziness\",\"Hypertension\"]",
  "none|吃了药以后心口扑通扑通的跳 心慌的很 过一会就好": "doseAnswer taken",
  "none|膝盖和手指关节比以前疼": "intent unclear ≠ side_effect; terms [] ≠ [\"Arthralgia\"]",
  "none|眼皮又肿起来了 早上起来眼睛眯成一条缝": "terms [\"Eye disorders - Other, specify\"] ≠ [\"Edema face\"]",
  "none|上腹部悶痛好幾天了，一直痛到背後": "intent unclear ≠ side_effect; terms [] ≠ [\"Abdominal pain\",\"Back pain\"]; relapseSignal false",
  "none|腿肿的一按一个坑 尿也比以前少了": "terms [\"Edema limbs\"] ≠ [\"Edema limbs\",\"Renal and urinary disorders - Other, specify\"]",
  "none|Swollen lymph nodes in my neck again, feel like marbles": "terms [\"Neck edema\"] ≠ [\"Blood and lymphatic system disorders - Other, specify\"]",
  "none|俺的脖子两边又粗了 衬衣扣子都扣不上了": "intent unclear ≠ symptom; terms [] ≠ [\"Neck edema\"]; relapseSignal false",
  "none|xiao bian hen shao, yi tian jiu liang ci": "intent unclear ≠ symptom; terms [] ≠ [\"Renal and urinary disorders - Other, specify\"]; relapseSignal false",
  "none|眼睛周圍和臉頰又腫起來了，跟確診前一樣": "terms [\"Salivary duct inflammation\"] ≠ [\"Edema face\"]",
  "none|MMF 吃完了, 今天没吃": "intent dose_missed ≠ supply; missedDrugs undefined; supplyDrugs undefined",
  "none|yao chi wan le, mei you le": "intent unclear ≠ supply",
  "dose|chi le": "intent unclear ≠ dose_taken; doseAnswer undefined",
  "screen|没有没有 啥毛病都没有 好着呢": "intent unclear ≠ answer",
  "dose|1, 咳嗽 gone now": "intent unclear ≠ dose_taken; doseAnswer undefined",
  "screen|0 不发烧也不咳嗽": "intent unclear ≠ answer",
  "screen|妈妈说这周挺好的，之前睡不着的毛病已经好了": "intent side_effect ≠ answer; terms [\"Insomnia\"] ≠ []; resolved undefined",
  "none|bu fa shao le": "resolved undefined",
};
