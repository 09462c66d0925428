import { describe, expect, it } from 'vitest';
import { useApi } from '../support/api-harness.ts';

/** Issue 17 part 3: enrolment takes only numbers that can receive SMS, and says why not. */
describe('phone numbers at enrolment and on change', () => {
  const api = useApi();

  it.each([
    ['CN mobile', '+86 138 0013 8000', '+8613800138000'],
    ['GB mobile', '+44 7400 123456', '+447400123456'],
    ['US number (FIXED_LINE_OR_MOBILE)', '+1 (415) 555-2671', '+14155552671'],
  ])('enrols a %s, stored in E.164', async (_label, phone, e164) => {
    const { call } = await api.setup();
    const res = await call('POST', '/api/patients', { body: { studyId: 'IGG4-010', phone, enrolledOn: '2027-01-04' } });
    expect(res.status).toBe(201);
    expect(res.json.phone).toBe(e164);
  });

  it.each([
    ['CN landline', '+86 10 6915 6114', '+86 10 6915 6114 is a landline: it cannot receive SMS'],
    ['GB landline', '+44 20 7946 0000', '+44 20 7946 0000 is a landline'],
    ['US toll-free number', '+1 800 555 0199', 'is a toll-free number'],
    ['invalid CN number', '+86 138 0013 800', 'is not a valid phone number'],
  ])('refuses a %s with a 400 naming the field', async (_label, phone, message) => {
    const { call } = await api.setup();
    const res = await call('POST', '/api/patients', { body: { studyId: 'IGG4-011', phone, enrolledOn: '2027-01-04' } });
    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual([{ path: 'phone', message: expect.stringContaining(message) }]);
    expect((await call('GET', '/api/patients')).json.items).toEqual([]);
  });

  it('refuses a landline on a phone change too, and keeps the old number', async () => {
    const { call, enroll } = await api.setup();
    const patient = await enroll();
    const res = await call('PATCH', `/api/patients/${patient.id}`, { body: { phone: '+86 21 6437 0045', reason: 'new number' }, headers: { 'If-Match': String(patient.version) } });
    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual([{ path: 'phone', message: expect.stringContaining('is a landline') }]);
    const detail = (await call('GET', `/api/patients/${patient.id}`)).json;
    expect(detail.patient?.phone ?? detail.phone).toBe('+8613800138000');
  });
});
