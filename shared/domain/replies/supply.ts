/**
 * Supply problems in a reply (issue 12 part 3): the patient has run out of a medicine, is about
 * to, cannot get a refill or an appointment to get one, or the pharmacy had none. Such a reply is
 * intent `supply` (with the drugs named), never a dose answer of its own: "药吃完了" is not
 * "dose taken", and a gap in the steroid must not count as adherence.
 *
 * Works on one normalized clause (simplified Chinese, lower-case English without apostrophes,
 * "cant" already corrected to "cannot"). Returns the spans so the dose reader can ignore them.
 */
import type { DrugKey } from './interpretation.ts';
import { COMPILED_DRUGS, DRUG_NAMES } from './lexicon.ts';

function alt(words: readonly string[]): string {
  return [...words].sort((a, b) => b.length - a.length).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
}

const ZH_DRUGS = alt(Object.values(DRUG_NAMES).flat().filter((n) => !/^[a-z]+$/.test(n)));
const EN_DRUGS = alt(Object.values(DRUG_NAMES).flat().filter((n) => /^[a-z]+$/.test(n)));
const N = '[\\d一二两三四五六七八九十几]+';
/** Before 药 / a drug: a dose time means "today's dose is done", not "the supply is done". */
const NOT_A_DOSE_TIME = '(?<!(今天|今早|今晚|早上|晚上|中午|上午|下午|这顿|这次|早饭后|晚饭后|每天|刚才)的?)';

/** Chinese supply phrases. Object + exhausted ("泼尼松吃完了") or a phrase that says it alone ("断药", "买不到"). */
const ZH: readonly RegExp[] = [
  new RegExp(`${NOT_A_DOSE_TIME}(药|${ZH_DRUGS})(物)?((?!按时|准时|按量|全部|都按)[^ ]){0,6}?(已经|都|也|就|快|快要|马上)?(吃完|用完|吃光|用光|没有|没|断|吃没)了`, 'gu'),
  new RegExp(`${NOT_A_DOSE_TIME}(药|${ZH_DRUGS})[^ ]{0,4}?(快|快要|马上|就要)(吃完|用完|没|断)`, 'gu'),
  new RegExp(`(药|${ZH_DRUGS})[^ ]{0,4}?不够(吃|用)?了?`, 'gu'),
  new RegExp(`(药|${ZH_DRUGS})?[^ ]{0,2}?只剩(下)?(${N}(天|顿|片|粒|颗|次|盒)(的)?(量|药)?)?`, 'gu'),
  // How much is left, said another way: the medicine named before "还剩 / 就剩 / 剩得不多", or a
  // quantity after it ("还剩三片", "还有最后几片"). "还剩" alone (还剩一个问题) is not supply.
  new RegExp(`(药|${ZH_DRUGS})[^ ]{0,4}?(还|就|仅|只)剩(下)?(最后)?`, 'gu'),
  new RegExp(`(还|就|仅)剩(下)?(最后)?${N}(天|顿|片|粒|颗|盒|板|瓶)`, 'gu'),
  new RegExp(`(药|${ZH_DRUGS})[^ ]{0,4}?剩(得|的|下的)?(不多|没几|很少|一点点?)`, 'gu'),
  new RegExp(`(还有|只有|就有|就剩)最后(${N})?(天|顿|片|粒|颗|盒|板|瓶)`, 'gu'),
  /没药(吃|可吃|用)?了?|冇药|断药|断货|没货|缺货|缺药|停产/gu,
  /(买|开|拿|配|取|领)(不到|不着|不了|不出来|不出)(药)?/gu,
  // Not in stock now, or only later: "暂时没有", "要等几天才到货", "下周才有货", "还没到货".
  /(才|还没|没|尚未|还未)(能)?(到货|有货|进货)|等(着)?(进货|到货|调货)/gu,
  /(挂|约|预约|抢)(不上|不到|不了)(号)?|挂不上|号挂不上|约不上/gu,
  /处方(已经)?(过期|到期|用完|没了)/gu,
  /(还|一直|都)?没(有)?(去|空去|时间去)?(医院|药房|药店)?(拿|取|开|配|领)(到)?(新的|新药|药)|没空去(医院|药房)?(开|拿|取|配)药|还没(拿到|开)/gu,
  /药(落|忘)在|忘(了)?带药|没带药|药(没|没有)带/gu,
  /药(房|店)[^ ]{0,6}?(没有|没|缺|断)(货|药|了)?/gu,
  /攞(唔|不)到药/gu,
];

/** English supply phrases. */
const EN: readonly RegExp[] = [
  /(?<![a-z])(ran|run|running|runs|have run|has run)( out| low)(?![a-z])/gu,
  new RegExp(`(?<![a-z])out of (my |the |all my |all )?(pills|meds|medication|medications|medicine|medicines|tablets|prescription|stock|${EN_DRUGS})(?![a-z])`, 'gu'),
  /(?<![a-z])(none|nothing|no more( [a-z]+){0,2}|no [a-z]+) left(?![a-z])/gu,
  /(?<![a-z])(only )?(\d+|one|two|three|four|five|a few|few|a couple( of)?) (more )?(pills|tablets|doses|days|capsules)( of [a-z]+)? left(?![a-z])/gu,
  /(?<![a-z])(cannot|can not|couldnt|could not|unable to|not able to)( [a-z]+){0,1} (get|find|buy|fill|renew|refill|book|make|pick up)( [a-z]+){0,3}? (refill|prescription|appointment|meds|medication|medicine|pills|tablets|prescriptions|script|scripts)(?![a-z])/gu,
  /(?<![a-z])(pharmacy|chemist|chemists|drugstore|drug store)( [a-z]+){0,2} (didnt|did not|doesnt|does not|had no|has no|is out|was out|ran out|had none|has none)(?![a-z])/gu,
  // The pharmacy will not have it (yet), is waiting for it, or it is on back order.
  /(?<![a-z])(pharmacy|chemist|chemists|drugstore|drug store|they)( [a-z]+){0,3}? (wont|will not|cant|cannot|couldnt|could not) (have|get|stock|fill|order)(?![a-z])/gu,
  /(?<![a-z])(waiting|wait|waited) (on|for) (the |my |a )?(pharmacy|chemist|delivery|shipment|refill|prescription|script|meds|medication|medicine|pills|order)(?![a-z])/gu,
  /(?<![a-z])(pharmacy|chemist|drugstore)( [a-z]+){0,2} (is |are |has |have )?(waiting|ordering|ordered|backordered|back ordered)(?![a-z])/gu,
  /(?<![a-z])(back ?ordered|on back ?order|backorder)(?![a-z])/gu,
  // How much is left, said another way.
  /(?<![a-z])(only )?(have |got )?enough( [a-z]+){0,2} (for|to last)( the next)? (\d+|one|two|three|four|five|a few|few|a couple( of)?) (more )?(days?|doses?|weeks?)(?![a-z])/gu,
  /(?<![a-z])(down to|on) (my |the )?(very )?last( \d+| one| two| three| few| couple( of)?)? (pills?|tablets?|doses?|capsules?|box|pack|packet)(?![a-z])/gu,
  // The refill cannot be reached.
  /(?<![a-z])(cannot|can not|couldnt|could not|unable to|not able to) (make it|get|go|come) (in )?(to|into) (the |my )?(clinic|hospital|pharmacy|chemist|doctor|doctors)( [a-z]+){0,4} (refill|prescription|script|meds|medication|medicine|pills|tablets)(?![a-z])/gu,
  /(?<![a-z])out of stock(?![a-z])/gu,
  /(?<![a-z])(need|needs|needed) (a |my )?(refill|more pills|more meds|new prescription|more)(?![a-z])/gu,
  /(?<![a-z])(prescription|script)( for [a-z]+( [a-z]+)?)? (has )?(expired|ended|is expired|lapsed|run out|ran out)(?![a-z])/gu,
  /(?<![a-z])(havent|have not|not|didnt|did not|hasnt)( yet)? (picked up|collected|got|gotten|received|refilled)( [a-z]+){0,2}? (meds|medication|medicine|pills|prescription|refill|tablets)(?![a-z])/gu,
  new RegExp(`(?<![a-z])finished (my |the |all my |all the |all )?(pills|meds|medication|medicine|tablets|${EN_DRUGS})(?![a-z])`, 'gu'),
];

export interface SupplyReading {
  spans: { start: number; end: number }[];
  drugs: DrugKey[];
}

/** Supply phrases in one clause, and the drugs named in that clause. */
export function findSupply(clause: string): SupplyReading {
  const spans: { start: number; end: number }[] = [];
  for (const re of [...ZH, ...EN]) {
    re.lastIndex = 0;
    for (const m of clause.matchAll(re)) if (m[0].trim().length > 0) spans.push({ start: m.index, end: m.index + m[0].length });
  }
  if (spans.length === 0) return { spans, drugs: [] };
  const drugs = new Set<DrugKey>();
  for (const { key, re } of COMPILED_DRUGS) {
    re.lastIndex = 0;
    if (re.test(clause)) drugs.add(key);
  }
  return { spans, drugs: [...drugs] };
}
