/**
 * Phrase → CTCAE v5.0 term lexicon (simplified Chinese + English, both as produced by
 * `normalize`), relapse-signal and red-flag rules (trial-protocol.md), intensity words,
 * drug names and dose phrases. Pure data plus the tiny compiled matchers.
 *
 * Term choices for relapse signs that have no clean CTCAE term (documented decisions):
 *
 * | patient says                                   | CTCAE v5.0 term used                        | why |
 * |------------------------------------------------|---------------------------------------------|-----|
 * | swelling under the jaw / cheeks / parotid      | Salivary duct inflammation                  | IgG4-related sialadenitis is inflammation of the salivary glands: closest v5 term |
 * | eyelid / tear-gland swelling                   | Eye disorders - Other, specify              | dacryoadenitis is not edema; CTCAE's rule is "Other, specify" when no term fits |
 * | bulging eyes, double vision                    | Eye disorders - Other, specify              | no v5 term for proptosis/diplopia without asserting a cause |
 * | neck lumps / swollen lymph nodes               | Neck edema                                  | site-specific v5 term; lymphadenopathy has none |
 * | face swelling (not "moon face")               | Edema face                                  | flagged as a possible gland sign, the physician decides |
 * | less urine                                     | Renal and urinary disorders - Other, specify| v5 has no oliguria term |
 * | flank pain                                     | Back pain                                   | |
 * | yellow eyes/skin, dark urine                   | Blood bilirubin increased                   | per protocol table (LEF liver toxicity or biliary relapse) |
 * | black stools, vomiting blood                   | Upper gastrointestinal hemorrhage           | per protocol table |
 * | bloody stools                                  | Lower gastrointestinal hemorrhage           | |
 * | blisters, peeling skin                         | Bullous dermatitis                          | Stevens-Johnson syndrome is the physician's call: we record components + red flag |
 * | bleeding, site unknown                         | Vascular disorders - Other, specify         | v5 has no generic hemorrhage term |
 * | chest pain                                     | Pain                                        | cause unknown: neither "cardiac" nor "non-cardiac" can be asserted |
 * | COVID positive                                 | Infections and infestations - Other, specify| CTCAE v5.0 predates COVID-19 |
 */
import type { DrugKey, RedFlagReason, RelapseSignal } from './interpretation.ts';

export type Pattern = string | RegExp;

/**
 * - always: any mention is a same-day alert.
 * - conditional: evaluated in interpret.ts (fever by temperature, diarrhea by count/blood/fever,
 *   rash/mouth/eye by co-occurrence).
 * - grade3: only when the inferred grade is ≥ 3 (that rule applies to every entry anyway).
 */
export type RedFlagRule = 'always' | 'conditional' | 'grade3';

export interface LexiconEntry {
  id: string;
  term: string;
  zh: readonly Pattern[];
  en: readonly Pattern[];
  redFlag: RedFlagRule;
  reason?: RedFlagReason;
  relapse?: RelapseSignal;
  /** false for relapse-only signs: a reply naming only those is intent 'symptom', not 'side_effect'. */
  adverseEvent: boolean;
  /** Highest grade a patient's own words can give (CTCAE max non-fatal grade, capped at 4). */
  maxGrade: number;
  /** intensity words; temperature (Fever); stool count (Diarrhea); none = graded by labs/measurement, never from words. */
  gradedBy?: 'intensity' | 'temperature' | 'count' | 'none';
  /** false: "it stopped" does not make it go away (a bleed, a pregnancy, thoughts of self-harm): still reported. */
  resolvable?: boolean;
}

interface Opts {
  red?: RedFlagRule;
  reason?: RedFlagReason;
  relapse?: RelapseSignal;
  ae?: boolean;
  max?: number;
  gradedBy?: LexiconEntry['gradedBy'];
  resolvable?: boolean;
}

function e(id: string, term: string, zh: readonly Pattern[], en: readonly Pattern[], o: Opts = {}): LexiconEntry {
  return {
    id,
    term,
    zh,
    en,
    redFlag: o.red ?? 'grade3',
    ...(o.reason ? { reason: o.reason } : {}),
    ...(o.relapse ? { relapse: o.relapse } : {}),
    adverseEvent: o.ae ?? true,
    maxGrade: o.max ?? 3,
    gradedBy: o.gradedBy ?? 'intensity',
    ...(o.resolvable === false ? { resolvable: false } : {}),
  };
}

export const TERMS = {
  fever: 'Fever',
  pregnancy: 'Pregnancy, puerperium and perinatal conditions - Other, specify',
} as const;

/**
 * Words patients put between a body site and its swelling: where on it ("那里", "两边", "左侧"),
 * when ("这两天"), how it feels or looks ("摸着", "硬硬的"), and degree/again words ("又", "有点").
 * A closed list, not "any few characters": "耳朵这两天有点肿" is the ear's swelling, "耳朵疼，脸肿"
 * is not (held by test/unit/replies/corpus-gaps.ts and the corpora).
 */
const SITE_GAP = '(这两天|这几天|最近|这阵子|的腺体|两个腺体|腺体|那俩|那两个|那块|那里|那儿|这里|这儿|这块|两边|两侧|一侧|左边|右边|左侧|右侧|周围|附近|摸着|摸起来|看着|看起来|感觉|硬硬的?|鼓鼓的?|又开始|开始|又|有点儿?|有一点|有些|明显|变得?|也|还|很|比较|挺|特别|非常|太|都|一直|总是|老是|是)*';
/** A negation right before the swelling word ("眼皮不肿了"): kept inside the hit; `presence` reads it as denied or resolved. */
const SWELL_NEG = '(不再|不|没有再|没再|没有|没)?';

export const LEXICON: readonly LexiconEntry[] = [
  // ── infection / respiratory ───────────────────────────────────────────────────────────
  e('fever', 'Fever', ['发烧', '发热', '高烧', '低烧', '烧到', '有点烧', '体温高', '体温升高', '体温偏高', '烧了', /烧(?=(也|已经|都|早就|基本)?退)/u], ['fever', 'feverish', 'high temperature', 'high temp', 'running a temp', 'a temperature', 'a temp'], { red: 'conditional', reason: 'fever', max: 4, gradedBy: 'temperature' }),
  e('chills', 'Chills', ['发冷', '畏寒', '寒战', '寒颤', '打冷颤', '打冷战', '打寒战', '打寒颤', '怕冷', '冷得发抖', '发抖'], ['chills', 'chill', 'shivering', 'shivers', 'rigors'], { red: 'always', reason: 'chills' }),
  e('cough', 'Cough', ['咳嗽', '干咳', '咳痰', '咳', '有痰', '吐痰'], ['cough', 'coughing', 'coughed'], { red: 'always', reason: 'respiratory', relapse: 'respiratory' }),
  e('dyspnea', 'Dyspnea', ['气短', '气促', '气喘', '喘不上气', '喘不过气', '喘', '呼吸困难', '呼吸不畅', '憋气', '憋得慌', '胸闷', '胸口闷', '上不来气', '透不过气', '喘气困难'], ['short of breath', 'shortness of breath', 'breathless', 'breathlessness', 'cant breathe', 'cannot breathe', 'hard to breathe', 'trouble breathing', 'difficulty breathing', 'out of breath', 'winded'], { red: 'always', reason: 'respiratory', relapse: 'respiratory', max: 4 }),
  e('lung_infection', 'Lung infection', ['肺炎', '肺部感染', '肺感染'], ['pneumonia', 'chest infection', 'lung infection'], { red: 'always', reason: 'lung_infection', max: 4 }),
  e('uri', 'Upper respiratory infection', ['感冒', '流鼻涕', '鼻塞', '着凉'], ['a cold', 'the flu', 'flu', 'runny nose', 'stuffy nose', 'common cold'], {}),
  e('sore_throat', 'Sore throat', ['嗓子痛', '嗓子疼', '喉咙痛', '喉咙疼', '咽喉痛', '咽痛', /(嗓子眼|嗓子|喉咙|咽喉)(儿)?(也|还|又|有点|有一点|有些|很|特别|一直|老是)*(痛|疼)/u], ['sore throat', 'throat hurts', 'throat pain'], {}),
  e('covid', 'Infections and infestations - Other, specify', ['新冠', '阳了', '核酸阳性', '抗原阳性'], ['covid', 'covid19', 'corona'], { max: 4 }),
  e('chest_pain', 'Pain', ['胸痛', '胸口痛', '胸口疼', '胸疼', /(胸口|胸部|胸前|胸)(闷闷的|闷|压着|发紧|一阵一阵地?|一阵阵地?|有点|有些|很|特别|一直|老是|隐隐)*(痛|疼|压痛|闷痛|刺痛)/u],
    ['chest pain', 'chest hurts', 'chest tightness', 'chest pressure', /(?<![a-z])(tightness|pressure|squeezing|heaviness) (in|on) (my |the )?chest(?![a-z])/u, /(?<![a-z])chest (is |feels |felt |has been |getting )*(tight|heavy|squeezed)(?![a-z])/u], { red: 'always', reason: 'respiratory' }),

  // ── liver / GI ────────────────────────────────────────────────────────────────────────
  e('jaundice', 'Blood bilirubin increased',
    ['黄疸', '眼黄', '眼白发黄', '巩膜黄', '全身发黄', '身上发黄', '尿色深', '尿颜色深', '尿液颜色深', '尿像浓茶', '浓茶色', '茶色尿', '酱油色',
      /(小便|尿液?)(的)?颜色(有点|有些|很|比较|特别|非常|变得?|也)*(深|黄|暗|像茶)/u,
      /(小便|尿液?)(的)?(颜色)?(像|是|呈|跟)(浓茶|茶水|酱油)/u,
      /(眼睛|眼白|皮肤|脸色?|小便|尿液?)(有点|有些|很|变得?|好像|也|都|发|颜色)*黄/u],
    ['jaundice', 'jaundiced', 'yellow eyes', 'yellow skin', 'yellowish eyes', 'yellowish skin', 'dark urine', 'tea colored urine', 'brown urine', 'cola colored urine',
      /(?<![a-z])(eyes?|skin) (are |is |look |looks |looking |turned |turning |went |getting |a bit |slightly |kind of |kinda |very |really |so )*yellow/u,
      /(?<![a-z])(urine|pee) (is |looks |very |really |so )*(dark|brown)(?![a-z])/u],
    { red: 'always', reason: 'jaundice', relapse: 'jaundice', max: 4, gradedBy: 'none' }),
  e('diarrhea', 'Diarrhea', ['拉肚子', '腹泻', '拉稀', '泻肚', '拉水', '水样便', '大便稀', '大便不成形', '稀便', '闹肚子', '跑厕所', /拉了?[\d一二两三四五六七八九十几]+次肚子/u,
    /拉了?(?=\s*([\d一二两三四五六七八九十几]+|十来|十多)\s*(次|回|趟))/u, /(?<=不)拉(?=了)/u, /(跑|上|去)了?\s*[\d一二两三四五六七八九十几]+\s*(趟|次|回)(厕所|卫生间|洗手间|茅房)/u],
    ['diarrhea', 'loose stool', 'watery stool', 'the runs', 'loose bowels', 'watery poop', 'watery poo', 'runny poop', 'runny poo', 'loose poop', 'loose poo', 'runny stool', 'loose stools', 'watery stools', 'runny stools'], { red: 'conditional', reason: 'diarrhea', max: 4, gradedBy: 'count' }),
  e('ugi_bleed', 'Upper gastrointestinal hemorrhage',
    ['黑便', '柏油便', '柏油样', '吐血', '呕血', '吐出血', '呕吐物有血', '呕出血', /吐(了|出|出来)?(一口|几口|两口|一点|些|点|好多|很多)?(的)?(血|血丝)/u, /(吐|呕)(出来)?的(东西|水)?(里)?(是|有|带|呈|发)?(咖啡色|褐色|黑色|暗红色?|血)/u, /大便(很|有点|是|呈|发|变|变成)*黑/u, /(拉|排)(的|出)?(是)?黑(色)?(的)?(大便|便|屎)/u],
    ['black stool', 'black poop', 'tarry stool', 'melena', 'vomiting blood', 'vomited blood', 'threw up blood', 'throwing up blood', 'coffee ground', 'blood in vomit', 'blood in my vomit',
      /(?<![a-z])(stools?|poop|poo) (is |are |look |looks |very |)*black(?![a-z])/u],
    { red: 'always', reason: 'gi_bleeding', max: 4, resolvable: false }),
  // pale / clay-coloured stools: bile not reaching the gut (biliary relapse or LEF liver toxicity), read with jaundice
  e('pale_stools', 'Blood bilirubin increased', ['大便发白', '大便白色', '白色大便', '白色的大便', '陶土色', '陶土样', '灰白色大便', '大便灰白', /大便(的)?(是|呈|有点|颜色|变得?|也|很|特别|比较|挺|发)*(白|灰白|陶土|灰|浅)/u], ['pale stool', 'pale poop', 'pale poo', 'clay colored stool', 'white stool', 'white poop', 'light colored stool', /(?<![a-z])(stools?|poop|poo|bowel movements?) (are |is |look |looks |very |really |quite |kind of |kinda |so |)*(pale|white|clay colored|light colored|light|grey|gray)(?![a-z])/u], { red: 'always', reason: 'jaundice', relapse: 'jaundice', max: 4, gradedBy: 'none' }),
  e('lgi_bleed', 'Lower gastrointestinal hemorrhage', ['便血', '大便带血', '大便有血', '拉血', '血便', '大便出血', '肛门出血', '屁股出血', /(?<=(拉稀|拉肚子|腹泻|大便|稀便|拉的|拉出来的)(里|中|里面|上|上面|表面)?(还|也)?)(有|带|带有|见)血/u], ['blood in stool', 'blood in my stool', 'bloody stool', 'bloody diarrhea', 'blood in poop', 'blood in my poop', 'rectal bleeding', /(?<=(poo|poop|stools?|diarrhea)( [a-z]+){0,2} )with blood/u,
    /(?<![a-z])blood( [a-z]+){0,2} (when|after|as) (i )?(poop|pooped|poo|pooed|go to the toilet|go to the bathroom|wipe|wiped|have a bowel movement)(?![a-z])/u, /(?<![a-z])blood on (the )?(toilet paper|tissue)(?![a-z])/u], { red: 'always', reason: 'gi_bleeding', max: 4, resolvable: false }),
  e('nausea', 'Nausea', ['恶心', '想吐', '反胃', '作呕', '干呕'], ['nausea', 'nauseous', 'nauseated', 'queasy', 'feel sick', 'feeling sick', 'sick to my stomach'], {}),
  e('vomiting', 'Vomiting', ['呕吐', '吐了', '吐', '呕'], ['vomiting', 'vomit', 'vomited', 'threw up', 'throwing up', 'throw up'], { max: 4, gradedBy: 'count' }),
  e('abdominal_pain', 'Abdominal pain', ['肚子痛', '肚子疼', '腹痛', '胃痛', '胃疼', '肚子不舒服', '胃不舒服', '上腹痛', '上腹疼', '腹部疼痛', '肚子绞痛', '肚子胀痛', '胃胀痛', /(肚子|胃|腹部|上腹|下腹|小腹)(部)?(有点|有一点|有些|很|非常|特别|挺|比较|还是|还|也|一直|老是|隐隐|隐隐约约|一阵一阵地?|一阵阵地?|时不时)*(不再|不|没有再|没再|没有|没)?(作痛|痛|疼|胀痛)/u], ['stomach ache', 'stomachache', 'stomach pain', 'abdominal pain', 'belly pain', 'tummy ache', 'tummy pain', 'stomach hurts', 'stomach cramps', 'abdominal cramps', 'belly ache', 'bellyache', /(?<![a-z])(pain|ache|aching) in (my |the )?(upper |lower )?(belly|stomach|abdomen|tummy)(?![a-z])/u], { relapse: 'abdominal_back_pain' }),
  e('back_pain', 'Back pain', ['腰痛', '腰疼', '背痛', '背疼', '后背痛', '后背疼', '腰酸背痛', '腰酸', '侧腰痛', '侧腰疼', /腰(眼|两侧|两边|部|背部?)[^ ]{0,6}?(酸|胀|痛|疼)/u, /(两边|两侧)腰(眼)?[^ ]{0,4}?(酸|胀|痛|疼)/u],
    ['back pain', 'backache', 'back hurts', 'flank pain', 'pain in my back', 'lower back pain', /(?<![a-z])(ache|pain|aching) in (my |the )?(lower |upper )?back(?![a-z])/u, /(?<![a-z])(lower |upper )?back (is |has been )?(aching|hurting|sore)(?![a-z])/u], { relapse: 'abdominal_back_pain', ae: false }),
  e('anorexia', 'Anorexia', ['没胃口', '食欲不好', '食欲差', '食欲下降', '食欲减退', '不想吃饭', '吃不下', '不想吃东西', '胃口不好', '胃口差', '没食欲', '没有胃口', '没有食欲', '吃不太下', /(胃口|食欲)(也|还|又)?(特别|很|非常|有点|有些|比较|挺|太)?(差|不好|不行|下降|减退)/u, /(饭|东西)(也|都|还)?(吃不太下|吃不下|吃不进|咽不下)/u], ['no appetite', 'loss of appetite', 'lost my appetite', 'poor appetite', 'not hungry', 'cant eat', 'decreased appetite'], {}),
  e('constipation', 'Constipation', ['便秘', '大便干', '拉不出', '排便困难'], ['constipated', 'constipation'], {}),
  e('gerd', 'Gastroesophageal reflux disease', ['反酸', '烧心', '泛酸', '胃灼热'], ['heartburn', 'acid reflux', 'reflux'], {}),
  e('bloating', 'Bloating', ['腹胀', '肚子胀', '胃胀', '胀气'], ['bloated', 'bloating'], { max: 2 }),
  e('dry_mouth', 'Dry mouth', ['口干', '嘴干', '口干舌燥'], ['dry mouth'], {}),

  // ── skin / mucosa ─────────────────────────────────────────────────────────────────────
  e('rash', 'Rash maculo-papular', ['皮疹', '起疹子', '疹子', '红疹', '出疹', '起红点', '红点', '皮肤红', '长疹子', '湿疹', '皮肤过敏', '过敏了'], ['rash', 'skin rash', 'red spots', 'spots on my skin'], { red: 'conditional', reason: 'skin_mucosa' }),
  e('urticaria', 'Urticaria', ['荨麻疹', '风团', '风疹块'], ['hives', 'urticaria', 'welts'], {}),
  e('blisters', 'Bullous dermatitis', ['水泡', '水疱', '起泡', '起水泡', '脱皮', '皮肤脱落', '大疱', '掉皮'], ['blister', 'blistering', 'peeling skin', 'skin peeling', 'skin is peeling'], { red: 'always', reason: 'skin_mucosa' }),
  e('mucositis', 'Mucositis oral', ['口腔溃疡', '嘴里溃疡', '嘴巴溃疡', '口疮', '嘴里起泡', '嘴里长泡', '嘴里起水泡', '舌头溃疡', '嘴烂', '嘴巴烂', '口腔烂', '口腔起泡', '嘴唇溃疡', '嘴唇起泡', '嘴巴起泡', '嘴上起泡', '嘴巴里起泡', '溃疡'], ['mouth sore', 'mouth ulcer', 'ulcers in my mouth', 'sores in my mouth', 'canker sore', 'sore mouth', 'lip sore', 'mouth blister'], { red: 'conditional', reason: 'skin_mucosa' }),
  e('conjunctivitis', 'Conjunctivitis', ['眼睛红', '眼红', '红眼', '眼睛充血', '眼睛发红'], ['red eyes', 'red eye', 'eyes are red', 'bloodshot eyes', 'pink eye'], { red: 'conditional', reason: 'skin_mucosa' }),
  e('eye_pain', 'Eye pain', ['眼睛痛', '眼睛疼', '眼睛刺痛'], ['eye pain', 'eyes hurt', 'sore eyes', 'eye hurts'], { red: 'conditional', reason: 'skin_mucosa' }),
  e('pruritus', 'Pruritus', ['痒', '瘙痒', '发痒'], ['itchy', 'itching', 'itch', 'pruritus'], { relapse: 'pruritus' }),
  e('alopecia', 'Alopecia', ['掉头发', '脱发', '头发掉', '掉发', '头发少了', '头发变少', '掉很多头发', '头发稀'], ['hair loss', 'losing hair', 'hair falling out', 'hair is falling out', 'losing my hair', /(?<![a-z])hair( is| has been)? (coming|falling) out(?![a-z])/u], { max: 2 }),
  e('acne', 'Rash acneiform', ['长痘', '痘痘', '痤疮', '青春痘', '粉刺', /(长|冒|起|出)(了)?(好多|很多|一些|一片|一脸|满脸|不少)?(的)?痘/u], ['acne', 'pimples', 'spots on my face', 'breaking out'], {}),
  e('bruising', 'Bruising', ['淤青', '瘀青', '青紫', '瘀斑', '淤斑', '青一块紫一块', '皮下出血', '紫癜'], ['bruise', 'bruising', 'bruised'], { max: 2 }),

  // ── bleeding ──────────────────────────────────────────────────────────────────────────
  e('bleeding', 'Vascular disorders - Other, specify', ['出血', '流血', '止不住血', '血流不止'], ['bleeding', 'bleed', 'wont stop bleeding'], { red: 'always', reason: 'bleeding', max: 4, resolvable: false }),
  // A nosebleed is bleeding: a red flag in the protocol's table ("bruising, bleeding: yes if bleeding"), stopped or not, like every bleed (decision in docs/replies.md).
  e('epistaxis', 'Epistaxis', ['流鼻血', '鼻出血', '鼻子出血', '鼻血', /流(了)?([\d一二两三四五六七八九十几]+次)?鼻血/u], ['nosebleed', 'nose bleed', 'nose bleeding', 'bloody nose', 'nosebleeds', 'nose bleeds'], { red: 'always', reason: 'bleeding', max: 4, resolvable: false }),
  e('epistaxis_persistent', 'Epistaxis', ['流鼻血不止', '鼻血不止', '鼻血止不住', '流鼻血止不住', '一直流鼻血', '鼻血流个不停', '鼻血一直流'], [/nose ?bleeds? (that |which )?(wont|will not|doesnt|does not|cant|cannot) stop/u, /nose (wont|will not|doesnt) stop bleeding/u], { red: 'always', reason: 'bleeding', max: 4, resolvable: false }),
  e('oral_hemorrhage', 'Oral hemorrhage', ['牙龈出血', '牙出血', '刷牙出血', '嘴里出血', '牙龈流血', /(牙龈|牙齿|牙|嘴里|口腔)(一直|老是|总是|经常|有点|又|也|还|时常|常常)*(出血|流血)/u], ['bleeding gums', 'gums bleeding', 'gum bleeding', 'gums bleed', /(?<![a-z])gums? (keep |keeps |are |is |have been |been )*(bleeding|bleed)(?![a-z])/u], { red: 'always', reason: 'bleeding', max: 4, resolvable: false }),
  e('hematuria', 'Hematuria', ['尿血', '血尿', '尿里有血', '小便带血', '小便有血', '尿中带血', /(尿|小便)(的)?(颜色)?(是|呈|有点|发|变得?|都|也|像|跟)*(红|粉红|粉色|洗肉水)/u], ['blood in urine', 'blood in my urine', 'bloody urine', 'blood in pee', 'blood in my pee', /(?<![a-z])(urine|pee|wee) (is |looks |was |has been |turned |looking |a bit |kind of )*(red|pink|reddish|pinkish|bloody)(?![a-z])/u], { red: 'always', reason: 'bleeding', max: 4, resolvable: false }),
  e('hemoptysis', 'Bronchopulmonary hemorrhage', ['咳血', '咯血', '痰中带血', '痰里有血', '痰带血'], ['coughing blood', 'coughing up blood', 'coughed up blood', 'blood in phlegm', 'blood in sputum'], { red: 'always', reason: 'bleeding', relapse: 'respiratory', max: 4, resolvable: false }),

  // ── metabolic / endocrine (steroids) ──────────────────────────────────────────────────
  e('hyperglycemia_symptoms', 'Hyperglycemia', ['口渴', '口很渴', '总是渴', '特别渴', '老是渴', '很渴', '多饮', '喝水多', '喝水很多', '老想喝水', '总想喝水', '喝很多水', /(老是|总是|总|一直|特别|老|经常)(想|要|爱)?喝水/u, '尿多', '多尿', '尿很多', '小便多', '夜尿多'], ['thirsty', 'always thirsty', 'drinking a lot', 'drinking lots of water', 'peeing a lot', 'urinating a lot', 'pee a lot', 'frequent urination', 'excessive thirst'], { red: 'always', reason: 'hyperglycemia', relapse: 'diabetes', max: 4, gradedBy: 'none' }),
  e('hyperglycemia_lab', 'Hyperglycemia', ['糖尿病', /血糖(值)?(有点|有些|比较|很|偏|又|也|还)*(高|升高)/u], ['high blood sugar', 'blood sugar high', 'blood sugar is high', 'high sugar', 'high glucose', 'diabetes'], { relapse: 'diabetes', max: 4, gradedBy: 'none' }),
  e('weight_loss', 'Weight loss', ['瘦了', '体重下降', '体重减轻', '体重掉了', '掉秤', '变瘦', '消瘦', /掉了\d+(斤|公斤|kg)/u, /瘦了?\d+(斤|公斤|kg)/u], ['weight loss', 'lost weight', 'losing weight', 'lost some weight', /(?<![a-z])lost( about| around| like| almost| nearly| over)? \d+ ?(kg|kgs|kilos|pounds|lbs)(?![a-z])/u], { relapse: 'weight_loss' }),
  e('weight_gain', 'Weight gain', ['胖了', '体重增加', '长胖', '发胖', '体重涨'], ['weight gain', 'gained weight', 'putting on weight', 'gaining weight', /(?<![a-z])(gained|put on|gaining|putting on)( about| around| like| almost| nearly| over)? \d+ ?(kg|kgs|kilos|pounds|lbs)(?![a-z])/u], {}),
  e('cushingoid', 'Cushingoid', ['满月脸', '脸变圆', '脸圆了', '水牛背', '脸胖了'], ['moon face', 'round face', /(?<![a-z])face( [a-z]+){0,3} (round|rounder|like a moon)(?![a-z])/u], {}),
  e('hypertension', 'Hypertension', ['血压高', '血压升高', '血压偏高', '高血压'], ['high blood pressure', 'blood pressure high', 'blood pressure is high', 'high bp'], { max: 4, gradedBy: 'none' }),

  // ── relapse signs: glands, eyes, kidneys ──────────────────────────────────────────────
  e('salivary_swelling', 'Salivary duct inflammation', [new RegExp(`(腮腺|颌下腺|唾液腺|下颌|下巴|颌下|腮帮子?|两腮|腮|脸颊|耳朵?|耳)(下面|下边|底下|下方|下|前面|前边|前方|前|后面|旁边)?${SITE_GAP}${SWELL_NEG}(肿|大了|肿大|鼓|胀)`, 'u'),
    new RegExp(`(下巴|下颌|颌下|耳朵?|耳|腮帮子?|腮)(下面|下边|底下|下方|下|前面|前边|前方|前|后面|旁边)?${SITE_GAP}(摸到|摸着|摸得到|摸起来|长了|长出|有|起了|鼓了|鼓起)(了)?(有)?(一个|个|几个|好几个|一些|两个)?(小)?(疙瘩|包|肿块|硬块|结节)`, 'u')],
    [/(?<![a-z])(lumps?|swelling|swollen|bumps?|glands?)( [a-z]+){0,3}? (under|below|beneath|in front of|behind|near) (my |the )?(jaw|chin|ears?|jawline)(?![a-z])/u, 'jaw swelling', 'swollen jaw', 'swollen cheeks', 'swollen cheek', 'cheek swelling', 'swollen glands', 'gland swelling', 'parotid swelling', 'salivary gland', /(?<![a-z])swelling (under|below) (the |my )?(jaw|chin|ears?)/u, /(?<![a-z])(jaw|cheeks?|glands?) (is |are |isnt |arent |is not |are not |not |no longer )*(swollen|puffy)/u], { relapse: 'gland_swelling', ae: false }),
  e('eyelid_swelling', 'Eye disorders - Other, specify', ['泪腺肿', '泪腺大', new RegExp(`(眼睑|眼皮|眼泡|泪腺|眼眶|眼睛周围|眼睛)(外侧|内侧|上方|上面|外边|周围)?${SITE_GAP}${SWELL_NEG}(肿|鼓)`, 'u'), /(眼角|眉毛下面?|眉骨下面?|眼眶|眼皮)(上方|上面|外侧|外边)?(又)?(鼓|长|起|摸到)(了)?(一个|个)?(小)?(包|疙瘩|肿块)/u], ['eyelid swelling', 'swollen eyelid', 'puffy eyelid', 'puffy eyes', 'swollen eyes', 'swollen eye', 'tear gland', /(?<![a-z])eyelids? (is |are |isnt |arent |is not |are not |not |no longer |still |so |very |a bit |)*(swollen|puffy)/u], { relapse: 'gland_swelling', ae: false }),
  e('neck_swelling', 'Neck edema', ['脖子上有包', '脖子有肿块', '颈部肿块', '淋巴结肿', '脖子鼓包', new RegExp(`(脖子|颈部|颈)${SITE_GAP}${SWELL_NEG}(肿|鼓)`, 'u'), new RegExp(`(脖子|颈部|颈)(上|两边|两侧|旁边|这里|左边|右边|左侧|右侧|一侧)?${SITE_GAP}(摸到|摸着|摸得到|摸起来|长了|有|起了)(了)?(有)?(一个|个|几个|好几个|一些|两个)?(小)?(疙瘩|包|肿块|硬块|结节)`, 'u')], ['neck swelling', 'swollen neck', 'lump in my neck', 'lump in neck', 'neck lump', 'swollen lymph nodes', 'swollen lymph node', /(?<![a-z])neck (is |looks |has been |was |got |again |so |a bit |all |)*(swollen|puffy)(?![a-z])/u], { relapse: 'gland_swelling', ae: false }),
  e('lymph_nodes', 'Blood and lymphatic system disorders - Other, specify',
    [/(腋下|腋窝|胳肢窝|腹股沟|大腿根部?)(的)?(又)?(摸到|长了|有|起了)?(了)?(一个|个|几个|好几个|一些)?(肿大的)?(淋巴结|疙瘩|包|肿块|硬块)(肿大|肿|大了|肿起来)?/u],
    [/(?<![a-z])(swollen |enlarged )?(lymph nodes?|glands?|lumps?)( [a-z]+){0,2}? (in|under) (my |the )?(armpits?|groin)(?![a-z])/u, /(?<![a-z])(armpit|groin) (lumps?|swelling|lymph nodes?)(?![a-z])/u],
    { relapse: 'lymph_nodes', ae: false }),
  // aortitis / periaortitis in the patient's words: a pulsing felt in the belly
  e('aorta', 'Vascular disorders - Other, specify', [/(肚子|腹部|肚脐)[^ ]{0,6}?(一跳一跳|跳动|搏动)/u, /(摸到|感觉到?)(了)?(搏动|跳动)/u], [/(?<![a-z])(pulsing|pulsating|throbbing|pulse|heartbeat) in (my |the )?(belly|stomach|abdomen|tummy)(?![a-z])/u], { relapse: 'aorta', ae: false, gradedBy: 'none' }),
  e('face_swelling', 'Edema face', ['脸肿', '脸浮肿', '面部浮肿', '面部肿', '脸部肿', '脸有点肿'], ['swollen face', 'face swelling', 'face is swollen', 'facial swelling', 'puffy face'], { relapse: 'gland_swelling', ae: false }),
  e('eye_signs', 'Eye disorders - Other, specify', ['眼球突出', '眼睛突出', '眼睛凸', '眼球凸', '眼睛鼓出', '重影', '复视', '看东西有两个', '双影', /眼(睛|球)?(往外|向外|朝外|外)(凸|突|鼓)/u], ['double vision', 'seeing double', 'bulging eyes', 'eyes bulging', 'eyes sticking out', 'eye bulging', 'eyes are bulging', /(?<![a-z])eyes?( [a-z]+){0,4}? (pushed|sticking|popping|bulging|pushing|poking) (forward|out)(?![a-z])/u], { relapse: 'eye', ae: false }),
  e('blurred_vision', 'Blurred vision', ['视力模糊', '看不清', '眼睛模糊', '视物模糊', '看东西模糊', '视力下降', '模模糊糊', /(看东西|视力|眼睛|视线)(有点|有些|很|特别|也|还|都|变得?)*(模糊|花|不清楚|朦胧)/u], ['blurred vision', 'blurry vision', 'cant see clearly', /(?<![a-z])(vision|eyesight|sight)( [a-z]+){0,2} (blurry|blurred|fuzzy|hazy)(?![a-z])/u], {}),
  e('edema_limbs', 'Edema limbs', ['腿肿', '脚肿', '脚踝肿', '下肢水肿', '下肢肿', '腿水肿', '脚水肿', '小腿肿', '腿脚肿', '水肿', '浮肿', /(腿|脚|脚踝|小腿)(都|也|又|有点|有些|明显)*肿/u], ['leg swelling', 'swollen legs', 'swollen leg', 'swollen feet', 'swollen ankles', 'swollen ankle', 'ankle swelling', 'feet swelling', 'legs are swollen', 'ankles are swollen', 'feet are swollen', 'legs swollen', 'ankles swollen', 'feet swollen', /(?<![a-z])(legs?|ankles?|feet|foot)( and (my )?(legs?|ankles?|feet))? (are |is |so |very |really |all |a bit |quite )*(swollen|puffy)(?![a-z])/u], { relapse: 'edema_oliguria' }),
  e('oliguria', 'Renal and urinary disorders - Other, specify', ['尿少', '尿量少', '尿量减少', '小便少', '小便减少', '尿不多', '排尿少', /(小便|尿量?)(比以前|比平时|比原来|比之前)(少|减少)/u], ['less urine', 'peeing less', 'not peeing much', 'urinating less', 'decreased urine', 'little urine', /(?<![a-z])(peeing|urinating|pee|urinate)( way| much| a lot| far)? less(?![a-z])/u, /(?<![a-z])(hardly|barely) (peeing|urinating|pee|peed)(?![a-z])/u], { relapse: 'edema_oliguria', ae: false }),
  e('proteinuria', 'Proteinuria', ['泡沫尿', /(尿|小便)(里|中|里面)?(的)?(有|起|冒)?(很多|好多)?(泡沫|泡泡)(很|特别|比较|挺)?(多)?/u], ['foamy urine', 'frothy urine', 'bubbly urine', 'foamy pee', 'frothy pee', /(?<![a-z])(urine|pee) (is |looks )*(foamy|frothy|bubbly)(?![a-z])/u], { relapse: 'kidney', gradedBy: 'none' }),
  e('urinary_pain', 'Urinary tract pain', ['尿痛', '小便痛', '排尿痛', '尿道痛', '小便疼', '尿疼'], ['painful urination', 'burning when i pee', 'burning urination', 'it burns when i pee'], {}),
  e('urinary_frequency', 'Urinary frequency', ['尿频', '尿急'], ['urinary frequency', 'urgency to pee'], {}),
  e('headache', 'Headache', ['头痛', '头疼', '偏头痛', '脑袋疼', '脑袋痛', '头胀', /(头|脑袋)(部)?(有点|有一点|有些|很|非常|特别|挺|比较|还是|还|也|一直|老是)+(痛|疼)/u, /(头|脑袋)(不再|不|没有再|没再|没有|没)(痛|疼)/u], ['headache', 'head hurts', 'head ache', 'migraine', 'head pain'], { relapse: 'headache' }),

  // ── neuro / musculoskeletal / general ─────────────────────────────────────────────────
  e('fatigue', 'Fatigue', ['累', '疲劳', '疲倦', '乏力', '没力气', '没劲', '没精神', '浑身无力', '全身无力', '疲惫', '困乏', '虚弱', '没有力气', '没有精神', '无力'], ['tired', 'fatigue', 'fatigued', 'exhausted', 'no energy', 'weak', 'weakness', 'worn out', 'lethargic'], {}),
  e('insomnia', 'Insomnia', ['失眠', '睡不着', '睡不好', '睡眠不好', '睡眠差', '入睡困难', '半夜醒', '睡不踏实'], ['insomnia', 'cant sleep', 'cannot sleep', 'trouble sleeping', 'not sleeping', 'cant fall asleep', 'sleepless', 'sleeping badly', 'sleeping poorly', 'sleep badly', 'sleep poorly'], {}),
  e('neuropathy', 'Peripheral sensory neuropathy', ['手麻', '脚麻', '手脚麻', '手脚发麻', '发麻', '麻木', '刺痛', '针扎', '手指麻', '脚趾麻', '蚂蚁爬'], ['tingling', 'numbness', 'numb', 'pins and needles'], {}),
  e('dizziness', 'Dizziness', ['头晕', '头昏', '眩晕', '站不稳', '天旋地转', /(头|脑袋)(还|也|又|有点|有一点|有些|很|特别|一直|老是|总是|经常|时不时)+(晕|昏)/u, /(头|脑袋)?(不再|不|没有再|没再|没有|没)晕(?=了)/u], ['dizzy', 'dizziness', 'lightheaded', 'light headed', 'vertigo'], {}),
  e('palpitations', 'Palpitations', ['心慌', '心悸', '心跳快', '心跳很快', '心跳加速', '心跳不齐'], ['palpitations', 'heart racing', 'racing heart', 'heart pounding', 'irregular heartbeat'], {}),
  e('myalgia', 'Myalgia', ['肌肉痛', '肌肉疼', '肌肉酸痛', '浑身酸痛', '全身酸痛', '浑身疼', '全身疼', '浑身痛', '全身痛'], ['muscle pain', 'muscle ache', 'sore muscles', 'body aches', 'body ache', 'myalgia'], {}),
  e('arthralgia', 'Arthralgia', ['关节痛', '关节疼', '骨头痛', '骨头疼', '膝盖痛', '膝盖疼', /(关节|膝盖|膝关节|手腕|腕关节|脚踝|踝关节|肘关节|肩关节|手指关节|指关节)(也|还|有点|有些|很|特别|一直|老是|又)*(痛|疼|肿痛|酸痛)/u], ['joint pain', 'joints hurt', 'sore joints', 'knee pain', 'arthralgia'], {}),
  e('malaise', 'Malaise', ['不舒服', '不太舒服', '身体不适', '不适'], ['not feeling well', 'unwell', 'feeling ill', 'feel ill', 'feeling poorly', 'malaise'], {}),
  e('cramp', 'Muscle cramp', ['抽筋'], ['cramp', 'muscle cramp', 'leg cramp'], {}),

  // ── psychiatric (steroids) ────────────────────────────────────────────────────────────
  e('suicidal', 'Suicidal ideation', ['想死', '不想活', '活着没意思', '自残', '自伤', '寻死', '想不开', /(伤害|伤|割|弄伤|结束)(我)?自己/u, '活着没有意思', '自杀', '轻生', '结束生命', '了结自己', '伤害自己', '割腕', '跳楼', '一了百了', '不如死了', '死了算了', '死了就解脱', '死了也好', '死了也挺好', '死了倒好', '死了更好', '死了就好了', '活够了', '活不下去', /死了(就|也|倒|更|才)?(是)?(一种)?(解脱|好|轻松|干净)/u],
    ['suicidal', 'suicide', 'kill myself', 'end my life', 'want to die', 'wanna die', 'self harm', 'hurt myself', 'better off dead', 'no reason to live', 'want it all to end', 'want it to end', 'wish i was dead', 'wish i were dead', 'better off without me', 'not worth living', 'dont want to live', 'do not want to live', 'dont want to be here anymore', 'end it all', /(?<![a-z])(hurt|hurting|harm|harming|cut|cutting|kill|killing|injure|injuring) myself(?![a-z])/u, /(?<![a-z])self ?harm(ing)?(?![a-z])/u, /(?<![a-z])(thoughts?|thinking|think) (of|about) (ending it|ending my life|dying)(?![a-z])/u], { red: 'always', reason: 'neuropsychiatric', max: 4, resolvable: false }),
  e('confusion', 'Confusion', ['糊涂', '迷糊', '神志不清', '意识不清', '意识模糊', '说胡话', '认不出人', '脑子不清楚'], ['confused', 'confusion', 'disoriented', 'cant think straight'], { red: 'always', reason: 'neuropsychiatric', max: 4, resolvable: false }),
  e('psychosis', 'Psychosis', ['幻觉', '幻听', '幻视', '看到不存在', '听到声音', '有人要害我'], ['hallucination', 'hallucinating', 'hearing voices', 'seeing things', 'paranoid'], { red: 'always', reason: 'neuropsychiatric', max: 4, resolvable: false }),
  e('depression_severe', 'Depression', ['情绪崩溃', '崩溃了', '绝望', '活着太累', '活着好累', '活着没劲'], ['hopeless', 'breakdown', 'cant cope', 'cannot cope'], { red: 'always', reason: 'neuropsychiatric', max: 4, resolvable: false }),
  e('depression', 'Depression', ['抑郁', '忧郁', '情绪低落', '心情不好', '心情很差', '心情差', '想哭', '不开心', '郁闷', '情绪不好', '高兴不起来'], ['depressed', 'depression', 'feeling down', 'feel down', 'low mood', 'sad'], { max: 4 }),
  e('agitation', 'Agitation', ['脾气暴躁', '易怒', '烦躁', '情绪波动', '控制不住脾气', '暴躁'], ['mood swings', 'irritable', 'agitated'], {}),
  e('anxiety', 'Anxiety', ['焦虑', '紧张', '心神不宁'], ['anxious', 'anxiety', 'nervous', 'panic'], {}),

  // ── pregnancy (LEF and MMF harm the fetus) ────────────────────────────────────────────
  e('pregnancy', TERMS.pregnancy, ['怀孕', '怀上了', '有喜了', '停经', '两条杠', '两道杠', '验孕阳性', '早孕', /(月经|例假|大姨妈)(还|一直|已经|都|这个月|一个多?月|两个多?月|半个多?月|[\d一二两三四五六七八九十几]+(天|周|个?礼拜|个?星期|个?多?月)(了)?)*(没来|没有来|推迟|晚了|迟迟没来|延迟)/u], ['pregnant', 'pregnancy', 'missed period', 'missed my period', 'period is late', 'period late', 'late period', 'positive pregnancy test', 'pregnancy test positive', 'pregnancy test was positive', 'period hasnt come', 'no period', /(?<![a-z])period( is| has been| was| is now)?( [a-z0-9]+){0,3} (late|overdue|delayed)(?![a-z])/u], { red: 'always', reason: 'pregnancy', ae: true, max: 3, gradedBy: 'none', resolvable: false }),
];

/** Intensity words → level 1..4 (grade before the per-term cap). Longest phrase wins. */
export const INTENSITY: readonly (readonly [string, 1 | 2 | 3 | 4, 'zh' | 'en'])[] = [
  ['不严重', 1, 'zh'], ['不太严重', 1, 'zh'], ['不是很严重', 1, 'zh'], ['不怎么严重', 1, 'zh'], ['不算严重', 1, 'zh'], ['不太', 1, 'zh'],
  ['轻微', 1, 'zh'], ['轻度', 1, 'zh'], ['有点', 1, 'zh'], ['有一点', 1, 'zh'], ['有些', 1, 'zh'], ['一点点', 1, 'zh'], ['一点', 1, 'zh'],
  ['稍微', 1, 'zh'], ['稍有', 1, 'zh'], ['略', 1, 'zh'], ['还好', 1, 'zh'], ['还行', 1, 'zh'], ['轻', 1, 'zh'],
  ['not severe', 1, 'en'], ['not too bad', 1, 'en'], ['not bad', 1, 'en'], ['a bit', 1, 'en'], ['a little', 1, 'en'], ['a little bit', 1, 'en'],
  ['slight', 1, 'en'], ['slightly', 1, 'en'], ['mild', 1, 'en'], ['mildly', 1, 'en'], ['minor', 1, 'en'], ['somewhat', 1, 'en'], ['kind of', 1, 'en'], ['kinda', 1, 'en'],
  ['中度', 2, 'zh'], ['中等', 2, 'zh'], ['比较', 2, 'zh'], ['挺', 2, 'zh'], ['蛮', 2, 'zh'], ['较', 2, 'zh'], ['明显', 2, 'zh'], ['很', 2, 'zh'], ['太', 2, 'zh'], ['一直', 2, 'zh'],
  ['moderate', 2, 'en'], ['moderately', 2, 'en'], ['quite', 2, 'en'], ['pretty', 2, 'en'], ['fairly', 2, 'en'], ['very', 2, 'en'], ['really', 2, 'en'], ['a lot of', 2, 'en'], ['lots of', 2, 'en'],
  ['严重', 3, 'zh'], ['很严重', 3, 'zh'], ['挺严重', 3, 'zh'], ['比较严重', 3, 'zh'], ['厉害', 3, 'zh'], ['很厉害', 3, 'zh'], ['剧烈', 3, 'zh'], ['剧痛', 3, 'zh'],
  ['非常', 3, 'zh'], ['特别', 3, 'zh'], ['很难受', 3, 'zh'], ['重度', 3, 'zh'],
  ['severe', 3, 'en'], ['severely', 3, 'en'], ['bad', 3, 'en'], ['badly', 3, 'en'], ['terrible', 3, 'en'], ['terribly', 3, 'en'], ['awful', 3, 'en'],
  ['really bad', 3, 'en'], ['very bad', 3, 'en'], ['horrible', 3, 'en'], ['intense', 3, 'en'],
  ['非常严重', 4, 'zh'], ['特别严重', 4, 'zh'], ['极其', 4, 'zh'], ['极度', 4, 'zh'], ['极其严重', 4, 'zh'], ['受不了', 4, 'zh'], ['忍受不了', 4, 'zh'],
  ['难以忍受', 4, 'zh'], ['无法忍受', 4, 'zh'], ['忍不了', 4, 'zh'], ['要命', 4, 'zh'], ['痛死了', 4, 'zh'], ['疼死了', 4, 'zh'], ['难受死了', 4, 'zh'], ['极重', 4, 'zh'],
  ['very severe', 4, 'en'], ['extremely', 4, 'en'], ['extreme', 4, 'en'], ['unbearable', 4, 'en'], ['cant bear', 4, 'en'], ['cannot bear', 4, 'en'],
  ['cant stand', 4, 'en'], ['excruciating', 4, 'en'], ['worst ever', 4, 'en'], ['the worst', 4, 'en'], ['agony', 4, 'en'], ['unbearably', 4, 'en'],
];

export const DRUG_NAMES: Readonly<Record<DrugKey, readonly string[]>> = {
  prednisone: ['醋酸泼尼松', '泼尼松', '强的松', '激素', 'prednisone', 'pred'],
  mmf: ['吗替麦考酚酯', '骁悉', '麦考酚', '霉酚酸酯', 'mmf', 'cellcept', 'mycophenolate'],
  lef: ['来氟米特', '爱若华', 'lef', 'leflunomide', 'arava'],
};

/** Dose phrases found anywhere (outside symptom phrases). Missed is checked before taken. */
export const DOSE_MISSED: readonly Pattern[] = [
  '忘了', '忘记', '忘吃', /(还)?没(有)?(按时)?(吃|服)(?!饭|东西|早饭|午饭|晚饭|早餐|午餐|晚餐|不下)/u, '漏服', '漏吃', '漏了', '未服', '忘服', '不吃了', '不想吃药', '停药', '停了药', '少吃了',
  /(?<![a-z])(missed|forgot|forget|forgotten|skipped|skip)(?![a-z])/u, /(?<![a-z])(didnt|did not|havent|have not|hasnt|not) (take|taken|took)(?![a-z])/u,
  // "not yet, gonna take it after lunch": not taken when asked, whatever the plan; a drug left behind
  /(?<![a-z])(not yet|havent yet|have not yet|hasnt yet)(?![a-z])/u, '忘在', '忘带',
];
export const DOSE_TAKEN: readonly Pattern[] = [
  /(?<!没|没有|不|未)(吃|服)(了|过了|过|啦|完了|完)(?!饭|东西|早饭|午饭|晚饭|早餐|午餐|晚餐|点东西)/u, '已吃', '已服', '已经吃', '吃药了', '按时吃', '按时服', '服用了', '都吃了', '吃好了', '已完成',
  // "take it" is taken ("yes take it"), not a plan ("gonna take it after lunch", "will take it later")
  /(?<![a-z])(taken|took|(?<!(will|gonna|going to|to|ll|about to|wanna|shall) )take it|took them|done)(?![a-z])/u,
];
/**
 * Another medicine right after a "taken" phrase ("吃了退烧药", "服了布洛芬", "took some tylenol"):
 * the patient took that, which says nothing about the trial dose.
 */
export const OTHER_MEDICINE_AFTER = new RegExp(
  // A kind of medicine needs its medicine word ("胃药", not "胃": "吃了胃有点不舒服" is a dose taken and a
  // complaint; "中药", not "中": "吃了中午的药" is the dose); a brand name stands alone.
  '^\\s*(点|些|一点|一片|一粒|两片|两粒|片|粒)?((退烧|止痛|止疼|感冒|消炎|止泻|止吐|胃|安眠|降压|降糖|中|钙|抗过敏|治感冒的|治拉肚子的|护胃的?)(药|片|胶囊|冲剂|颗粒|灵|丸)|维生素|抗生素|头孢|布洛芬|泰诺|芬必得|对乙酰氨基酚|阿莫西林|板蓝根|连花清瘟|奥美拉唑|蒙脱石散|感康|白加黑|新康泰克)' +
    '|^\\s*(some |a |an |one |two |\\d+ |my )?(tylenol|paracetamol|acetaminophen|ibuprofen|advil|motrin|panadol|aspirin|antibiotics?|painkillers?|pain killers?|cold medicine|flu medicine|cough syrup|sleeping pills?|antacids?|imodium|loperamide)(?![a-z])',
  'u',
);

/** Short dose replies read only with a dose question open (after fillers, incl. "i", are removed). */
export const WEAK_TAKEN_RE = /^(yes|yep|yeah|y|ok)?\s*(did|have|done|did it|already|already did|have already)$/u;
export const WEAK_MISSED_RE = /^((no|nope|n)\s*)?(didnt|did not|have not|havent|not yet|no not yet)(\s*yet)?$|^not yet$/u;
/** Short replies that mean yes/no only when a question is open (whole-message after fillers). */
/** Words that acknowledge a text rather than answer it (👍 and ✅ fold to "ok"): taken only while the protocol's `inbound.acknowledgementIsTaken` holds. */
export const ACKNOWLEDGEMENTS: ReadonlySet<string> = new Set(['ok', 'okay', 'okk', 'k', '好', '好的', '好了', '嗯', '嗯嗯', '收到', 'sure']);
export const WEAK_YES: ReadonlySet<string> = new Set(['ok', 'okay', 'okk', 'k', '好', '好的', '好了', '嗯', '嗯嗯', '是', '是的', '对', '对的', '收到', 'yes', 'y', 'yep', 'yeah', 'ya', 'yup', 'sure', '有', '有的', '有啊', '有了', 'true']);
export const WEAK_NO: ReadonlySet<string> = new Set(['no', 'n', 'nope', 'nah', '没有', '没', '否', '不', '不是', '无', '没呢', '还没', '还没有', 'false']);
/** "No symptoms" words for the screen/items questions. */
export const NONE_WORDS: ReadonlySet<string> = new Set([
  'no', 'n', 'nope', 'none', 'nothing', 'nil', 'no symptoms', 'no new symptoms', 'all good', 'fine', 'good', 'im fine', 'i am fine', 'all fine', 'nothing new',
  '没有', '没', '否', '无', '都没有', '都没', '没什么', '没有新症状', '无新症状', '没有症状', '无症状', '一切正常', '正常', '挺好', '很好', '都好', '都挺好', '还好', '没事', '不', '0', '零',
]);

/** Filler removed before checking whole-message commands and short answers. */
export const FILLERS_ZH: readonly string[] = ['谢谢你', '谢谢', '谢了', '麻烦', '请', '我要', '我想', '帮我', '给我', '一下', '了', '吧', '啊', '呀', '哦', '喔', '呢', '的', '短信', '信息', '消息', '这个', '服务'];
export const FILLERS_EN: ReadonlySet<string> = new Set(['please', 'thanks', 'thank', 'you', 'i', 'want', 'to', 'me', 'now', 'all', 'the', 'these', 'sms', 'msg', 'msgs', 'message', 'messages', 'text', 'texts', 'am', 'just', 'again', 'it']);

export const OPT_OUT = /^(t ?退订|td ?退订|退订 ?td?|stop|stopall|stop stop|quit|end|cancel|unsubscribe|optout|opt out|unsub|t|td|退订|退定|取消|取消订阅|停止|停止发送|拒收|退出|别再发|不要再发|别发|不要发|不用再发|别发了|不要再给我发|stop texting|stop sending|stop messaging|dont text|no more|remove)$/u;
export const OPT_IN = /^(start|unstop|subscribe|resubscribe|resume|restart|订阅|恢复|重新订阅|恢复订阅|恢复发送|重新开始|继续发|继续发送)$/u;
export const HELP = /^(help|帮助|求助|info|帮忙|help me|怎么回复)$/u;

// ── compiled matchers ───────────────────────────────────────────────────────────────────

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One pattern → a global regex. English strings match whole words, with an optional plural. */
export function compilePattern(p: Pattern, lang: 'zh' | 'en'): RegExp {
  if (typeof p !== 'string') return new RegExp(p.source, p.flags.includes('g') ? p.flags : `${p.flags}g`);
  if (lang === 'zh') return new RegExp(escapeRe(p), 'gu');
  return new RegExp(`(?<![a-z])${escapeRe(p)}(?:s|es)?(?![a-z])`, 'gu');
}

export interface CompiledEntry {
  entry: LexiconEntry;
  patterns: readonly RegExp[];
}

export const COMPILED_LEXICON: readonly CompiledEntry[] = LEXICON.map((entry) => ({
  entry,
  patterns: [...entry.zh.map((p) => compilePattern(p, 'zh')), ...entry.en.map((p) => compilePattern(p, 'en'))],
}));

/** One alternation of all intensity words, longest first (so "很严重" beats "很"). */
export const INTENSITY_RE: RegExp = (() => {
  const sorted = [...INTENSITY].sort((a, b) => b[0].length - a[0].length);
  const alts = sorted.map(([w, , lang]) => (lang === 'zh' ? escapeRe(w) : `(?<![a-z])${escapeRe(w)}(?![a-z])`));
  return new RegExp(alts.join('|'), 'gu');
})();
export const INTENSITY_LEVEL: ReadonlyMap<string, 1 | 2 | 3 | 4> = new Map(INTENSITY.map(([w, l]) => [w, l]));

export const COMPILED_DRUGS: readonly { key: DrugKey; re: RegExp }[] = (Object.keys(DRUG_NAMES) as DrugKey[]).map((key) => ({
  key,
  re: new RegExp(
    [...DRUG_NAMES[key]]
      .sort((a, b) => b.length - a.length)
      .map((n) => (/^[a-z]+$/.test(n) ? `(?<![a-z])${escapeRe(n)}(?![a-z])` : escapeRe(n)))
      .join('|'),
    'gu',
  ),
}));
export const COMPILED_MISSED: readonly RegExp[] = DOSE_MISSED.map((p) => compilePattern(p, 'zh'));
export const COMPILED_TAKEN: readonly RegExp[] = DOSE_TAKEN.map((p) => compilePattern(p, 'zh'));
