/**
 * Every kind of coordinator alert / worklist item, with its label in both console languages.
 * Pure data: the ports re-export ALERT_KINDS, the digest and the notifications use the labels.
 * Labels name the *kind* only (never a condition, a drug or a symptom): they may appear next to a
 * study ID in a notification subject.
 */
export const ALERT_KINDS = [
  'missed_dose',
  'no_reply',
  'low_response',
  'red_flag',
  'relapse_signal',
  'supply',
  'steroid_withdrawal',
  'opt_out',
  'sms_failure',
  'delivery_unknown',
  'unknown_sender',
  'reply_budget',
  'inbound_unprocessed',
  'other',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export const ALERT_KIND_LABELS: Record<'en' | 'zh-CN', Record<AlertKind, string>> = {
  en: {
    missed_dose: 'missed doses reported',
    no_reply: 'no reply',
    low_response: 'low response',
    red_flag: 'red flag',
    relapse_signal: 'possible relapse',
    supply: 'medicine supply',
    steroid_withdrawal: 'steroid stopped',
    opt_out: 'opt-out',
    sms_failure: 'SMS failure',
    delivery_unknown: 'SMS delivery unknown',
    unknown_sender: 'unknown sender',
    reply_budget: 'reply limit reached',
    inbound_unprocessed: 'message not processed',
    other: 'other',
  },
  'zh-CN': {
    missed_dose: '报告漏服',
    no_reply: '未回复',
    low_response: '回复率低',
    red_flag: '红旗症状',
    relapse_signal: '疑似复发',
    supply: '药品供应',
    steroid_withdrawal: '激素中断',
    opt_out: '退订',
    sms_failure: '短信发送失败',
    delivery_unknown: '短信送达未知',
    unknown_sender: '未知号码',
    reply_budget: '自动回复达上限',
    inbound_unprocessed: '短信未能处理',
    other: '其他',
  },
};

export type AlertLane = 'urgent' | 'routine';

/**
 * The lane of a kind, from the protocol (`alerts.lanes.urgent`): urgent kinds are pushed at once
 * and escalated; every other kind is a routine worklist item, never pushed on its own.
 */
export function laneOf(lanes: { urgent: readonly AlertKind[] }, kind: AlertKind): AlertLane {
  return lanes.urgent.includes(kind) ? 'urgent' : 'routine';
}
