import * as z from 'zod';
import type { UpstreamContent } from '#ports/sms-upstream.ts';

/**
 * The bodies Alibaba Cloud SMS puts on its queues (help.aliyun.com: SmsUp 上行消息, SmsReport
 * 回执消息, domestic). Times are Beijing time "yyyy-MM-dd HH:mm:ss"; numbers are domestic
 * (11 digits) or carry 86 in front.
 */
const beijingTime = z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, 'yyyy-MM-dd HH:mm:ss');
const domesticNumber = z.string().regex(/^(\+?86)?1[3-9]\d{9}$/, 'a mainland mobile number');

export const smsUpSchema = z.looseObject({
  phone_number: domesticNumber,
  content: z.string().max(1600),
  send_time: beijingTime,
  dest_code: z.string().max(32).optional(),
  sequence_id: z.union([z.number(), z.string().min(1)]),
  sign_name: z.string().optional(),
});

export const smsReportSchema = z.looseObject({
  biz_id: z.string().min(1).max(200),
  success: z.union([z.boolean(), z.enum(['true', 'false'])]),
  err_code: z.string().max(64).optional(),
  err_msg: z.string().optional(),
  report_time: beijingTime,
  send_time: beijingTime.optional(),
  phone_number: z.string().optional(),
});

export function beijingToUtc(text: string): string {
  return new Date(`${text.replace(' ', 'T')}+08:00`).toISOString();
}

function e164(number: string): string {
  return `+86${number.replace(/^\+?86/, '')}`;
}

function issues(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.join('.') || '(body)'}:${i.code}`);
}

export function parseUpstreamBody(kind: 'reply' | 'receipt', body: string): UpstreamContent {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { type: 'unreadable', issues: ['(body):invalid_json'] };
  }
  if (kind === 'reply') {
    const parsed = smsUpSchema.safeParse(json);
    if (!parsed.success) return { type: 'unreadable', issues: issues(parsed.error) };
    const up = parsed.data;
    return {
      type: 'reply',
      reply: { providerMessageId: `aliyun-up:${String(up.sequence_id)}`, from: e164(up.phone_number), to: up.dest_code ?? '', text: up.content, sentAt: beijingToUtc(up.send_time) },
    };
  }
  const parsed = smsReportSchema.safeParse(json);
  if (!parsed.success) return { type: 'unreadable', issues: issues(parsed.error) };
  const report = parsed.data;
  const delivered = report.success === true || report.success === 'true';
  return {
    type: 'receipt',
    receipt: {
      providerMessageId: report.biz_id,
      status: delivered ? 'delivered' : 'failed',
      ...(delivered ? {} : { reason: report.err_code ?? 'unknown' }),
      reportedAt: beijingToUtc(report.report_time),
    },
  };
}
