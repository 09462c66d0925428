// Edges of the mainland-China template check that mainland-sms.test.ts did not pin (found by the
// domain mutation run, docs/testing.md): a value exactly at the provider's limit, the worst-case
// values the go-live check measures, the daily-cap note at equality, and mappings that must be
// named as problems (no language, a provider variable used twice, a placeholder nobody can bound)
// rather than crash the check.
import { describe, expect, it } from 'vitest';
import { MainlandTemplateError, providerRequest, validateMainlandSms, worstCaseValue } from '#domain/mainland-sms.ts';
import { edited, mainlandSection as section, shipped } from '../support/protocol-edits.ts';

describe('worst-case values measured before go-live', () => {
  it('are the longest date of a leap year, the longest visit label, slot, drug line and symptom', () => {
    expect(worstCaseValue(shipped, 'zh-CN', 'date')).toBe('10月10日');
    expect(worstCaseValue(shipped, 'en', 'date')).toBe('Sun 10 Sept');
    expect(worstCaseValue(shipped, 'zh-CN', 'visit')).toBe('第12个月复诊');
    expect(worstCaseValue(shipped, 'zh-CN', 'slot')).toBe('早上');
    expect(worstCaseValue(shipped, 'zh-CN', 'drugs')).toBe('泼尼松 17.5mg、吗替麦考酚酯 0.75g');
    expect(worstCaseValue(shipped, 'zh-CN', 'item')).toBe('口腔溃疡');
    expect(worstCaseValue(shipped, 'zh-CN', 'studyPhone')).toBe(shipped.contacts.studyPhone);
    expect(worstCaseValue(shipped, 'zh-CN', 'foo')).toBeNull();
  });

  it('the visit reminder submitted for approval, at its longest', () => {
    const visit = validateMainlandSms(shipped).submissions.find((s) => s.key === 'visit.reminder');
    expect(visit).toMatchObject({
      variables: [
        { name: 'date', placeholder: 'date', maxLength: 6 },
        { name: 'visit', placeholder: 'visit', maxLength: 7 },
      ],
      longest: `【北京协和医院】提醒：10月10日是您的第12个月复诊，请按时到院。有问题请致电${shipped.contacts.studyPhone}`,
      longestChars: 53,
    });
  });
});

describe('limits at equality', () => {
  it('a variable exactly as long as the provider allows passes; one character less allowed fails', () => {
    const at = (max: number) => validateMainlandSms(edited((d) => void (section(d).maxVariableLength = max))).problems;
    expect(at(23)).toEqual([]); // the drug line is 23 characters at its widest
    expect(at(22).map((p) => p.path)).toEqual(['mainlandSms.templates.zh-CN.dose.reminder.variables.drugs']);
  });

  it('a value of exactly maxVariableLength characters is sent; one more is refused', () => {
    const s = section(shipped);
    const request = providerRequest(s, { key: 'dose.reminder', lang: 'zh-CN', params: { slot: '早上', drugs: '泼'.repeat(35) } });
    expect(request.templateParam.drugs).toHaveLength(35);
    expect(() => providerRequest(s, { key: 'dose.reminder', lang: 'zh-CN', params: { slot: '早上', drugs: '泼'.repeat(36) } })).toThrow(MainlandTemplateError);
  });

  it('when the provider leaves exactly the protocol cap, the note says the protocol cap holds', () => {
    const p = edited((d) => void (section(d).limits = { perNumberPerDay: 26, reservedForReplies: 20 }));
    expect(validateMainlandSms(p).notes).toEqual(["reminders per patient and day: 6 (the protocol's cap; the provider allows 26 a number, 20 kept for replies)"]);
    const lower = edited((d) => void (section(d).limits = { perNumberPerDay: 25, reservedForReplies: 20 }));
    expect(validateMainlandSms(lower).notes).toEqual(["reminders per patient and day: 5 on the mainland (provider limit 25 less 20 kept for replies), not the protocol's 6"]);
  });
});

describe('mappings named as problems, never a crash', () => {
  it('a section that maps no language', () => {
    const p = edited((d) => void (section(d).templates = {}));
    expect(validateMainlandSms(p).problems).toEqual([{ path: 'mainlandSms.templates', message: 'maps no language: no patient could be texted' }]);
  });

  it('one provider variable for two placeholders', () => {
    const p = edited((d) => {
      section(d).templates['zh-CN']!['dose.reminder'] = { code: 'SMS_900000001', variables: { slot: 'v', drugs: 'v' } };
    });
    expect(validateMainlandSms(p).problems).toContainEqual({ path: 'mainlandSms.templates.zh-CN.dose.reminder.variables', message: 'provider variable ${v} is used twice' });
  });

  it('a placeholder with no known range of values: named, and the template is not measured', () => {
    const p = edited((d) => void (d.templates['zh-CN']['checkin.thanks'] = '谢谢{nickname}！'));
    const check = validateMainlandSms(p);
    expect(check.problems).toContainEqual({
      path: 'mainlandSms.templates.zh-CN.checkin.thanks.variables.nickname',
      message: '{nickname} has no known range of values: it cannot be checked against the limits',
    });
    expect(check.submissions.find((s) => s.key === 'checkin.thanks')).toBeUndefined();
  });

  it('errors say which template and why', () => {
    const s = section(shipped);
    expect(() => providerRequest(s, { key: 'reply.help', lang: 'en', params: {} })).toThrow('no approved template for en reply.help');
    expect(() => providerRequest(s, { key: 'dose.reminder', lang: 'zh-CN', params: { slot: '早上' } })).toThrow('zh-CN dose.reminder needs {drugs}');
    const error = (() => {
      try {
        providerRequest(s, { key: 'dose.reminder', lang: 'zh-CN', params: { slot: '早上', drugs: '泼'.repeat(36) } });
      } catch (thrown) {
        return thrown;
      }
      return null;
    })();
    expect(error).toMatchObject({ name: 'MainlandTemplateError', reason: 'variable_too_long', message: '{drugs} of zh-CN dose.reminder is longer than 35' });
  });
});

// The words and the field of each mapping problem, exactly (the domain mutation run found them
// unpinned, docs/testing.md): what an investigator reads when `npm run protocol:check` refuses.
describe('mapping problems, field and words', () => {
  it('a key that is only part of another template, and a key the protocol does not have', () => {
    const p = edited((d) => {
      const zh = section(d).templates['zh-CN']! as Record<string, { code: string; variables: Record<string, string> }>;
      zh['slot.morning'] = { code: 'SMS_900000090', variables: {} };
      zh['dose.remindr'] = { code: 'SMS_900000091', variables: {} };
    });
    const problems = validateMainlandSms(p).problems;
    expect(problems).toContainEqual({ path: 'mainlandSms.templates.zh-CN.slot.morning', message: 'is part of another template, never an SMS: remove it' });
    expect(problems).toContainEqual({ path: 'mainlandSms.templates.zh-CN.dose.remindr', message: 'is not a protocol template key' });
  });

  it('one approved code mapped to two templates: named on the second, with the first', () => {
    const p = edited((d) => {
      const zh = section(d).templates['zh-CN']!;
      zh['dose.reminder.discreet'] = { ...zh['dose.reminder.discreet']!, code: zh['dose.reminder']!.code };
    });
    const problems = validateMainlandSms(p).problems.filter((x) => x.path.endsWith('.code'));
    expect(problems).toEqual([{ path: 'mainlandSms.templates.zh-CN.dose.reminder.discreet.code', message: 'SMS_900000001 is also mapped to zh-CN.dose.reminder' }]);
  });

  it('brackets in a template text', () => {
    const p = edited((d) => void (d.templates['zh-CN']['checkin.thanks'] = '【提醒】谢谢您的回复。'));
    expect(validateMainlandSms(p).problems).toContainEqual({ path: 'templates.zh-CN.checkin.thanks', message: 'must not contain 【】 or []: providers read brackets as a signature' });
  });
});
