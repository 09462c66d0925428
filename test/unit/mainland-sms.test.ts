import { describe, expect, it } from 'vitest';
import { mainlandDailyCap, mainlandLength, providerRequest, validateMainlandSms, MainlandTemplateError, SENT_TEMPLATE_KEYS } from '#domain/mainland-sms.ts';
import { edited, mainlandSection as section, shipped } from '../support/protocol-edits.ts';

describe('mainland template mapping (validateMainlandSms)', () => {
  it('accepts the shipped mapping: every SMS template in zh-CN has a code and fits one 70-character part with the signature', () => {
    const check = validateMainlandSms(shipped);
    expect(check.problems).toEqual([]);
    expect(check.submissions.map((s) => s.key).sort()).toEqual([...SENT_TEMPLATE_KEYS].sort());
    for (const s of check.submissions) expect(s.longestChars).toBeLessThanOrEqual(70);
  });

  it('submits variables as ${name} and writes the protocol constants into the text', () => {
    const check = validateMainlandSms(shipped);
    const dose = check.submissions.find((s) => s.key === 'dose.reminder');
    expect(dose?.text).toBe('${slot}服药：${drugs}。已服回复1，漏服回复2');
    const help = check.submissions.find((s) => s.key === 'reply.help');
    expect(help?.text).toBe(`研究联系电话${shipped.contacts.studyPhone}。回复TD退订，START恢复`);
    const menu = check.submissions.find((s) => s.key === 'checkin.items_menu');
    expect(menu?.text).toContain('1腹泻 2恶心');
    expect(menu?.variables).toEqual([]);
  });

  it('measures the dose line at its widest: the longest taper amount and every drug of a slot', () => {
    const dose = validateMainlandSms(shipped).submissions.find((s) => s.key === 'dose.reminder');
    expect(dose?.variables.find((v) => v.placeholder === 'drugs')?.maxLength).toBe(Array.from('泼尼松 17.5mg、吗替麦考酚酯 0.75g').length);
  });

  it('names a template that has no code', () => {
    const p = edited((d) => {
      delete section(d).templates['zh-CN']?.['reply.help'];
    });
    expect(validateMainlandSms(p).problems).toContainEqual({ path: 'mainlandSms.templates.zh-CN.reply.help', message: expect.stringContaining('no approved template code') });
  });

  it('names a variable the template does not have, and a per-message placeholder with no variable', () => {
    const p = edited((d) => {
      const t = section(d).templates['zh-CN'];
      if (!t) throw new Error('zh-CN');
      t['dose.reminder'] = { code: 'SMS_900000001', variables: { slot: 'slot', dose: 'drugs' } };
    });
    const problems = validateMainlandSms(p).problems.map((x) => `${x.path}: ${x.message}`);
    expect(problems).toContain('mainlandSms.templates.zh-CN.dose.reminder.variables.dose: the template has no {dose}');
    expect(problems).toContain('mainlandSms.templates.zh-CN.dose.reminder.variables: {drugs} changes per message: map it to a provider variable');
  });

  it('names a variable that can be longer than the provider allows', () => {
    const p = edited((d) => {
      section(d).maxVariableLength = 20;
    });
    expect(validateMainlandSms(p).problems).toContainEqual({
      path: 'mainlandSms.templates.zh-CN.dose.reminder.variables.drugs',
      message: expect.stringMatching(/can be 23 characters .*the provider allows 20/),
    });
  });

  it('names a template whose longest rendering with the signature exceeds one 70-character part', () => {
    const p = edited((d) => {
      d.templates['zh-CN']['visit.reminder'] = '提醒：{date}是您的{visit}，请按时到院，记得空腹并带上既往检查报告和所有正在服用的药物。有问题请致电{studyPhone}';
    });
    const problem = validateMainlandSms(p).problems.find((x) => x.path === 'templates.zh-CN.visit.reminder');
    expect(problem?.message).toMatch(/can reach (\d+) characters with 【北京协和医院】/);
    expect(Number(/reach (\d+)/.exec(problem?.message ?? '')?.[1])).toBeGreaterThan(70);
  });

  it('counts the signature against the part: a longer signature pushes the longest template over', () => {
    const p = edited((d) => {
      section(d).signName = '中国医学科学院协和医院';
      section(d).maxChars = 61;
    });
    // The check-in menu is 61 characters with 【北京协和医院】, 66 with 【中国医学科学院协和医院】.
    expect(validateMainlandSms(p).problems.map((x) => x.path)).toEqual(['templates.zh-CN.checkin.items_menu']);
    expect(validateMainlandSms(edited((d) => void (section(d).maxChars = 61))).problems).toEqual([]);
  });

  it('rejects a mapped fragment, an unknown key, a code used twice and brackets in a template', () => {
    const p = edited((d) => {
      const t = section(d).templates['zh-CN'];
      if (!t) throw new Error('zh-CN');
      t['slot.morning'] = { code: 'SMS_900000099', variables: {} };
      t['reply.nonsense'] = { code: 'SMS_900000098', variables: {} };
      t['reply.unclear'] = { code: 'SMS_900000001', variables: {} };
      d.templates['zh-CN']['checkin.thanks'] = '【已收到】谢谢！';
    });
    const paths = validateMainlandSms(p).problems.map((x) => x.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'mainlandSms.templates.zh-CN.slot.morning',
        'mainlandSms.templates.zh-CN.reply.nonsense',
        'mainlandSms.templates.zh-CN.reply.unclear.code',
        'templates.zh-CN.checkin.thanks',
      ]),
    );
  });

  it('a mapped language must map every SMS template (English half-mapped fails)', () => {
    const p = edited((d) => {
      section(d).templates.en = { 'checkin.thanks': { code: 'SMS_900000100', variables: {} } };
    });
    const missing = validateMainlandSms(p).problems.filter((x) => x.path.startsWith('mainlandSms.templates.en.') && x.message.includes('no approved template code'));
    expect(missing).toHaveLength(SENT_TEMPLATE_KEYS.length - 1);
  });

  it('without a mainlandSms section there is nothing to check', () => {
    const p = edited((d) => {
      delete d.mainlandSms;
    });
    expect(validateMainlandSms(p)).toEqual({ problems: [], notes: [], submissions: [] });
  });
});

describe('the protocol schema for mainlandSms', () => {
  it('names a malformed code and a signature with brackets', () => {
    expect(() =>
      edited((d) => {
        const t = section(d).templates['zh-CN'];
        if (t?.['reply.help']) t['reply.help'].code = 'help';
        section(d).signName = '【协和】';
      }),
    ).toThrow(/mainlandSms\.templates\.zh-CN\.reply\.help\.code[\s\S]*mainlandSms\.signName|mainlandSms\.signName[\s\S]*mainlandSms\.templates\.zh-CN\.reply\.help\.code/);
  });

  it('rejects a reply reserve that leaves no room for reminders', () => {
    expect(() =>
      edited((d) => {
        section(d).limits = { perNumberPerDay: 10, reservedForReplies: 10 };
      }),
    ).toThrow(/mainlandSms\.limits\.reservedForReplies/);
  });
});

describe('the daily cap on the mainland', () => {
  it('is the protocol cap while the provider limit leaves room', () => {
    expect(mainlandDailyCap(shipped, section(shipped))).toBe(shipped.reminders.dailyCapPerPatient);
  });
  it('is the provider limit less the replies share when that is lower', () => {
    const p = edited((d) => {
      section(d).limits = { perNumberPerDay: 8, reservedForReplies: 4 };
    });
    expect(mainlandDailyCap(p, section(p))).toBe(4);
    expect(validateMainlandSms(p).notes[0]).toContain('4 on the mainland');
  });
});

describe('providerRequest', () => {
  it('maps placeholders to provider variables and leaves constants out', () => {
    const request = providerRequest(section(shipped), { key: 'visit.reminder', lang: 'zh-CN', params: { date: '3月2日', visit: '第3个月复诊', studyPhone: '010-0000-0000' } });
    expect(request).toEqual({ templateCode: 'SMS_900000003', templateParam: { date: '3月2日', visit: '第3个月复诊' } });
  });
  it('refuses an unmapped template, a missing value and a value too long — never a guess', () => {
    const s = section(shipped);
    const attempt = (t: Parameters<typeof providerRequest>[1]) => {
      try {
        providerRequest(s, t);
        return null;
      } catch (error) {
        return error instanceof MainlandTemplateError ? error.reason : 'other';
      }
    };
    expect(attempt({ key: 'reply.help', lang: 'en', params: {} })).toBe('template_not_mapped');
    expect(attempt({ key: 'dose.reminder', lang: 'zh-CN', params: { slot: '早上' } })).toBe('variable_missing');
    expect(attempt({ key: 'dose.reminder', lang: 'zh-CN', params: { slot: '早上', drugs: '泼'.repeat(36) } })).toBe('variable_too_long');
  });
  it('counts the signature and every character as one', () => {
    expect(mainlandLength('已收到，谢谢！', '北京协和医院')).toBe(15);
    expect(mainlandLength('ok 😀', 'ab')).toBe(8);
  });
});
