import * as z from '#domain/zod.ts';
import type { UpstreamContent } from '#ports/sms-upstream.ts';

/**
 * The bodies Alibaba Cloud SMS puts on its queues (help.aliyun.com: SmsUp 上行消息, SmsReport
 * 回执消息, domestic). Times are Beijing time "yyyy-MM-dd HH:mm:ss"; numbers are domestic
 * (11 digits) or carry 86 in front.
 */
const beijingTime = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, 'yyyy-MM-dd HH:mm:ss'));
const domesticNumber = z.string().check(z.regex(/^(\+?86)?1[3-9]\d{9}$/, 'a mainland mobile number'));

export const smsUpSchema = z.looseObject({
  phone_number: domesticNumber,
  content: z.string().check(z.maxLength(1600)),
  send_time: beijingTime,
  dest_code: z.optional(z.string().check(z.maxLength(32))),
  sequence_id: z.union([z.number(), z.string().check(z.minLength(1))]),
  sign_name: z.optional(z.string()),
});

export const smsReportSchema = z.looseObject({
  biz_id: z.string().check(z.minLength(1), z.maxLength(200)),
  success: z.union([z.boolean(), z.enum(['true', 'false'])]),
  err_code: z.optional(z.string().check(z.maxLength(64))),
  err_msg: z.optional(z.string()),
  report_time: beijingTime,
  send_time: z.optional(beijingTime),
  phone_number: z.optional(z.string()),
});

export function beijingToUtc(text: string): string {
  return new Date(`${text.replace(' ', 'T')}+08:00`).toISOString();
}

function e164(number: string): string {
  return `+86${number.replace(/^\+?86/, '')}`;
}

function issues(error: z.core.$ZodError): string[] {
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
