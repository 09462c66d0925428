/* Coordinator console (no build step): reply intents, drugs, relapse signs and CTCAE terms as
 * labels in both languages (never the raw code on screen). */
import { CTCAE_TERMS_ZH } from './ctcae-terms.js';
import { defineStrings, getLang, hasString, t } from './i18n.js';

defineStrings({
  en: {
    'intent.dose_taken': 'dose taken', 'intent.dose_missed': 'dose missed', 'intent.supply': 'medicine supply problem',
    'intent.side_effect': 'side effect', 'intent.symptom': 'possible relapse sign', 'intent.opt_out': 'opt-out (STOP)',
    'intent.opt_in': 'opt-in (START)', 'intent.help': 'help request', 'intent.answer': 'check-in answer', 'intent.unclear': 'not understood',
    'drug.prednisone': 'prednisone', 'drug.mmf': 'mycophenolate (MMF)', 'drug.lef': 'leflunomide (LEF)',
    'review.supplyDrugs': 'Out of / cannot refill', 'review.resolved': 'Said to be resolved',
  },
  'zh-CN': {
    'intent.dose_taken': '已服药', 'intent.dose_missed': '漏服', 'intent.supply': '药品供应问题',
    'intent.side_effect': '不良反应', 'intent.symptom': '疑似复发症状', 'intent.opt_out': '退订', 'intent.opt_in': '恢复订阅',
    'intent.help': '求助', 'intent.answer': '随访回答', 'intent.unclear': '未能理解',
    'drug.prednisone': '泼尼松', 'drug.mmf': '吗替麦考酚酯（MMF）', 'drug.lef': '来氟米特（LEF）',
    'review.supplyDrugs': '缺药 / 无法续药', 'review.resolved': '患者称已好转消失',
  },
});

/** An intent's label in the current language (the raw code only for an intent without one). */
export const intentLabel = (intent) => (intent && hasString(`intent.${intent}`) ? t(`intent.${intent}`) : String(intent ?? '—'));
export const drugLabel = (drug) => (hasString(`drug.${drug}`) ? t(`drug.${drug}`) : String(drug));
/** A CTCAE term as a reviewer reads it: in Chinese its Chinese name with the coded English term beside it. */
export const termLabel = (term) => {
  const zh = getLang() === 'zh-CN' ? CTCAE_TERMS_ZH[term] : undefined;
  return zh ? `${zh}（${term}）` : String(term ?? '—');
};
