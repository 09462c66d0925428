import { createHash } from 'node:crypto';
import { normalize } from './replies/normalize.ts';

/**
 * Pure guards for answering inbound texts (docs/replies.md, "Reply budgets"): is a text an
 * auto-responder's canned message, does it repeat the sender's previous text, which replies a
 * budget may withhold, and how a sender is named where a phone number must not appear.
 */

/**
 * Canned texts phones and apps send on their own (driving mode, out of office, busy, "auto-reply"
 * tags), zh-CN and en, matched on the normalized text (NFKC, lower case, simplified, punctuation
 * stripped). A patient who writes one of these in his own words loses nothing: the text is still
 * stored, read, filed for review and alerted on; only the automatic answer is not sent.
 */
const AUTO_REPLY_PATTERNS: readonly RegExp[] = [
  // Chinese: explicit tags, driving, busy/unavailable, "will reply later", do-not-disturb.
  /自动回复|自动应答|自动答复|自动短信|系统自动/,
  /(正在|在)开车|驾驶中|开车中|行车中|驾驶模式/,
  /(稍后|晚点|一会儿?|过会儿?|等下|等会儿?)(再)?(回复|回电|联系|回你|给你回|打给你|回电话)/,
  /(现在|暂时|目前)?(不方便|无法)(接听|接电话|回复|回信息|回短信)/,
  /勿扰模式|免打扰|请勿打扰|会议中|开会中|正在开会|在开会|休假中|不在办公室/,
  /(您好|你好)?(机主|本人)(现在|暂时)?(忙|不在)/,
  // English.
  /\b(auto ?reply|autoreply|automatic reply|auto ?response|automated (message|response|reply))\b/,
  /\b(i m|im|i am) (driving|currently driving|busy|in a meeting|away|unavailable|out of (the )?office)\b/,
  /\bdriving (mode|right now)\b|\bdo not disturb\b|\bdnd\b|\bout of (the )?office\b/,
  /\b(i ll|ill|i will) (call|text|get back to|reply to|contact) (you|u) (later|back|soon|asap|when)\b/,
  /\b(can t|cant|cannot) (talk|text|answer) (right )?now\b|\bsent from my (iphone|android|car|phone)\b/,
];

/** True when the text reads as an auto-responder's canned message (zh-CN or en). */
export function isAutoReply(text: string): boolean {
  const plain = normalize(text).replace(/'/g, ' ');
  if (plain === '') return false;
  return AUTO_REPLY_PATTERNS.some((pattern) => pattern.test(plain));
}

/** Texts compared as a reader would: case, width, punctuation, spacing and emoji do not make them differ. */
export function sameText(a: string, b: string): boolean {
  const [na, nb] = [normalize(a), normalize(b)];
  return na !== '' || nb !== '' ? na === nb : a.trim() === b.trim();
}

/** How a reply relates to the budget: a budgeted one may be withheld; `required` and `urgent` ones never are. */
export type ReplyClass = 'budgeted' | 'required' | 'urgent';

/**
 * Reply purposes by class. `stop_confirm` / `start_confirm` are the carrier-mandated confirmations
 * of a change (one per change already); `urgent` is the urgent-contact text after a red flag.
 * `answersQuestion`: the reply follows an answer to a question the system asked, and the questions
 * bound it — the next step of a weekly check-in being answered (each step once, one re-ask, a step
 * timeout), the missed-dose guidance after a dose check-in was newly answered "missed" (one per
 * check-in: the same answer again changes nothing and is not this). Those are required.
 * Everything else (thanks, unclear, help, conversation re-asks, a repeated "missed",
 * unknown_number) is budgeted.
 */
export function replyClassOf(purpose: string, options: { answersQuestion?: boolean } = {}): ReplyClass {
  if (purpose === 'urgent') return 'urgent';
  if (purpose === 'stop_confirm' || purpose === 'start_confirm') return 'required';
  if ((purpose === 'conversation' || purpose === 'dose_missed') && options.answersQuestion) return 'required';
  return 'budgeted';
}

export type WithheldReason = 'repeat' | 'auto_reply' | 'budget_spent' | 'country_not_allowed' | 'unknown_daily_cap' | 'unknown_answered_today';

/**
 * Whether a reply may be sent before any budget is consulted. The urgent-contact text after a red
 * flag and the STOP/START confirmations always go (an auto-responder's canned text is never a red
 * flag, and a confirmation is sent once per change). Any other reply is never sent to a text that
 * repeats the sender's previous one (a loop echoes itself), nor to an auto-responder's message.
 */
export function replyVerdict(input: { replyClass: ReplyClass; repeat: boolean; autoReply: boolean }): 'ask_budget' | 'send' | WithheldReason {
  if (input.replyClass !== 'budgeted') return 'send';
  if (input.repeat) return 'repeat';
  if (input.autoReply) return 'auto_reply';
  return 'ask_budget';
}

/** A text repeats the previous one when it says the same within this many hours (loops are seconds apart). */
export const REPEAT_WINDOW_HOURS = 12;

/** Whether `current` repeats `previous` (same sender's text just before it). */
export function isRepeat(previous: { body: string; receivedAt: string } | null, current: { body: string; receivedAt: string }): boolean {
  if (!previous) return false;
  if (Date.parse(current.receivedAt) - Date.parse(previous.receivedAt) > REPEAT_WINDOW_HOURS * 3_600_000) return false;
  return sameText(previous.body, current.body);
}

/** A stable, non-reversible name for a sender number, for alert titles, details and keys: "#3f9a2c1b". */
export function senderRef(phone: string): string {
  return `#${createHash('sha256').update(`sender:${phone}`).digest('hex').slice(0, 8)}`;
}

/**
 * The country calling codes libphonenumber-js's metadata knows: those of countries, then the
 * non-geographic ones (+800, +808, +870 …). Calling codes are prefix-free: at most one of them
 * starts a number. A list of 215 codes instead of the library and its metadata (118 KiB in every
 * bundle that answers texts); test/unit/inbound-guards.test.ts holds it equal to the library's
 * metadata and callingCodeOf equal to the library's answer.
 */
const CALLING_CODES = ' 1 7 20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58 60 61 62 63 64 65 66 81 82 84 86 90 91 92 93 94 95 98 211 212 213 216 218 220 221 222 223 224 225 226 227 228 229 230 231 232 233 234 235 236 237 238 239 240 241 242 243 244 245 246 247 248 249 250 251 252 253 254 255 256 257 258 260 261 262 263 264 265 266 267 268 269 290 291 297 298 299 350 351 352 353 354 355 356 357 358 359 370 371 372 373 374 375 376 377 378 380 381 382 383 385 386 387 389 420 421 423 500 501 502 503 504 505 506 507 508 509 590 591 592 593 594 595 596 597 598 599 670 672 673 674 675 676 677 678 679 680 681 682 683 685 686 687 688 689 690 691 692 850 852 853 855 856 880 886 960 961 962 963 964 965 966 967 968 970 971 972 973 974 975 976 977 992 993 994 995 996 998 800 808 870 878 881 882 883 888 979 ';

/** The calling codes callingCodeOf knows (for the test that holds them equal to the library's). */
export function knownCallingCodes(): string[] {
  return CALLING_CODES.trim().split(' ');
}

/**
 * The country calling code of a number in E.164 ("86" for +86…, "1" for +1…), or null (short
 * codes, garbage, a code no country has). Every caller passes E.164 (patients' phones, senders
 * checked against e164Schema); for those this is what libphonenumber-js's parse answers.
 */
export function callingCodeOf(phone: string): string | null {
  if (!/^\+[1-9]\d{6,14}$/.test(phone)) return null;
  for (const length of [1, 2, 3]) {
    const code = phone.slice(1, 1 + length);
    if (CALLING_CODES.includes(` ${code} `)) return code;
  }
  return null;
}

/** The instant `days` after an ISO instant (a retention deadline; the table adapter stores it as a TTL). */
export function retainUntil(receivedAt: string, days: number): string {
  return new Date(Date.parse(receivedAt) + days * 86_400_000).toISOString();
}
