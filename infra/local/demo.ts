import { addDays, utcToLocal } from '#domain/schedule.ts';
import type { LocalStack } from './stack.ts';

/**
 * `npm start -- --demo`: a few fictitious patients (+1 201 555-01xx numbers: the range NANPA reserves for fiction)
 * enrolled through the coordinator API, and a few replies texted in through the inbound path, so
 * the console shows a review queue, an alert and messages at once. Running it again changes
 * nothing (the study IDs are taken: the API answers 409 and the patient is left as it is).
 */
const DEMO_PATIENTS = [
  { studyId: 'DEMO-001', phone: '+12015550101', language: 'zh-CN', daysAgo: 20, replies: ['早上的药吃了，就是有点恶心', '今天忘了吃药了'] },
  { studyId: 'DEMO-002', phone: '+12015550102', language: 'zh-CN', daysAgo: 45, replies: ['发烧39度，咳嗽'] },
  { studyId: 'DEMO-003', phone: '+12015550103', language: 'en', daysAgo: 10, replies: ['took it', 'feeling a bit sick, diarrhea twice today'] },
  { studyId: 'DEMO-004', phone: '+12015550104', language: 'zh-CN', daysAgo: 190, replies: ['脖子下面又肿了'] },
] as const;

export async function seedDemo(stack: LocalStack): Promise<{ enrolled: string[]; skipped: string[] }> {
  const today = utcToLocal(stack.clock.now(), stack.protocol.studyTimeZone).localDate;
  const enrolled: string[] = [];
  const skipped: string[] = [];
  for (const demo of DEMO_PATIENTS) {
    const answer = await stack.callApi('POST', '/api/patients', {
      studyId: demo.studyId,
      phone: demo.phone,
      timeZone: 'Asia/Shanghai',
      language: demo.language,
      enrolledOn: addDays(today, -demo.daysAgo),
      doseTimes: { morning: '08:00', evening: '20:00' },
      prednisoneStartMg: 40,
      discreet: false,
    });
    if (answer.status === 409) {
      skipped.push(demo.studyId);
      continue;
    }
    if (answer.status !== 201) throw new Error(`demo enrollment of ${demo.studyId} failed: HTTP ${answer.status} ${answer.text}`);
    enrolled.push(demo.studyId);
    for (const body of demo.replies) await stack.textIn({ from: demo.phone, body });
  }
  return { enrolled, skipped };
}
