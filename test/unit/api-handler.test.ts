import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { depsFromEnv } from '#functions/coordinator-api/handler.ts';
import { ENROLL_BODY, MONITOR_TOKEN, useApi } from '../support/api-harness.ts';

/** The coordinator API through the real middy stack (router, header normalizer, body parser, errors) on dynalite. */
const api = useApi();

describe('coordinator API: enroll contract', () => {
  it('answers 201 with the stored patient, its id and protocol defaults for omitted regimen parameters', async () => {
    const { call } = await api.setup();
    const res = await call('POST', '/api/patients', { body: ENROLL_BODY });
    expect(res.status).toBe(201);
    expect(res.json.id).toEqual(expect.any(String));
    const { prednisoneStartMg: _p, ...profile } = ENROLL_BODY;
    expect(res.json).toMatchObject({ ...profile, status: 'active', arm: null, parameters: { prednisoneStartMg: 40, mmfInductionDoseG: 0.75, lefDoseMg: 20 } });
    const got = await call('GET', `/api/patients/${res.json.id}`);
    expect(got.json.patient).toEqual(res.json);
  });

  it('fills time zone, language, dose times and discreet from the protocol when omitted', async () => {
    const { call } = await api.setup();
    const res = await call('POST', '/api/patients', { body: { studyId: 'IGG4-002', phone: '+8613800138002', enrolledOn: '2027-01-04' } });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ timeZone: 'Asia/Shanghai', language: 'zh-CN', doseTimes: { morning: '08:00', evening: '20:00' }, discreet: false });
  });

  it('plans the first reminders right after enrollment', async () => {
    const { call, planned } = await api.setup();
    const res = await call('POST', '/api/patients', { body: ENROLL_BODY });
    expect(planned.map((p) => p.id)).toEqual([res.json.id]);
    const detail = await call('GET', `/api/patients/${res.json.id}`);
    expect(detail.json.upcomingReminders.length).toBeGreaterThan(0);
  });
});

describe('coordinator API: bad input → 400 naming every bad field, nothing written', () => {
  it('names each invalid field and each unknown field', async () => {
    const { call, deps } = await api.setup();
    const res = await call('POST', '/api/patients', {
      body: { ...ENROLL_BODY, phone: '13800138000', enrolledOn: '2027-02-30', doseTimes: { morning: '8am', evening: '20:00' }, language: 'fr', shoeSize: 42 },
    });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toBe('application/problem+json');
    const paths = res.json.errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual(['doseTimes.morning', 'enrolledOn', 'language', 'phone', 'shoeSize'].sort());
    expect(res.json.errors.find((e: { path: string }) => e.path === 'shoeSize').message).toBe('unknown field');
    expect(await deps.patients.listAll()).toEqual([]);
  });

  it('checks the regimen against the protocol bounds (validatePatientAgainstProtocol)', async () => {
    const { call, deps } = await api.setup();
    const res = await call('POST', '/api/patients', { body: { ...ENROLL_BODY, prednisoneStartMg: 80, lefDoseMg: 15, doseTimes: { morning: '08:00', evening: '23:00' } } });
    expect(res.status).toBe(400);
    expect(res.json.errors.map((e: { path: string }) => e.path).sort()).toEqual(['doseTimes.evening', 'lefDoseMg', 'prednisoneStartMg']);
    expect(await deps.patients.listAll()).toEqual([]);
  });

  it('rejects invalid JSON with 400 and a missing body with 400 naming the body', async () => {
    const { call } = await api.setup();
    const bad = await call('POST', '/api/patients', { rawBody: '{"studyId": ', headers: { 'Content-Type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(bad.json.errors).toEqual([{ path: 'body', message: 'is not valid JSON' }]);
    const missing = await call('POST', '/api/patients', {});
    expect(missing.status).toBe(400);
    expect(missing.json.errors[0].path).toBe('body');
  });

  it('rejects a non-JSON content type with 415', async () => {
    const { call } = await api.setup();
    const res = await call('POST', '/api/patients', { rawBody: 'studyId=x', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(res.status).toBe(415);
  });

  it('ignores a body sent with a GET', async () => {
    const { call } = await api.setup();
    const res = await call('GET', '/api/patients', { rawBody: 'not json at all' });
    expect(res.status).toBe(200);
    expect(res.json.items).toEqual([]);
  });

  it('validates query strings strictly and names the parameter', async () => {
    const { call } = await api.setup();
    const res = await call('GET', '/api/reports', { query: { status: 'maybe', cursor: '!!!', sort: 'desc' } });
    expect(res.status).toBe(400);
    expect(res.json.errors.map((e: { path: string }) => e.path).sort()).toEqual(['query.cursor', 'query.sort', 'query.status']);
  });

  it('rejects a PATCH that changes nothing', async () => {
    const { call, enroll } = await api.setup();
    const patient = await enroll();
    const res = await call('PATCH', `/api/patients/${patient.id}`, { body: { reason: 'typo' } });
    expect(res.status).toBe(400);
  });
});

describe('coordinator API: duplicates → 409 and no partial writes', () => {
  it('a duplicate study ID (any case) is a 409 that leaves no patient, no phone claim and no audit entry', async () => {
    const { call, deps, doc, table } = await api.setup();
    const first = await call('POST', '/api/patients', { body: ENROLL_BODY });
    const res = await call('POST', '/api/patients', { body: { ...ENROLL_BODY, studyId: 'igg4-001', phone: '+8613800138099' } });
    expect(res.status).toBe(409);
    expect(res.json.errors).toEqual([{ path: 'studyId', message: expect.stringContaining('already enrolled') }]);
    expect((await deps.patients.listAll()).map((p) => p.id)).toEqual([first.json.id]);
    const claim = await doc.send(new GetCommand({ TableName: table, Key: { pk: 'PHONE#+8613800138099', sk: 'CLAIM' } }));
    expect(claim.Item).toBeUndefined();
    const trail = await deps.audit.listBetween('2000-01-01T00:00:00Z', '2100-01-01T00:00:00Z');
    expect(trail.filter((e) => e.action === 'patient.enroll')).toHaveLength(1);
  });

  it('a phone typed with spaces, dashes or parentheses is stored in E.164 and still unique', async () => {
    const { call } = await api.setup();
    const res = await call('POST', '/api/patients', { body: { ...ENROLL_BODY, phone: '+86 (138) 0013-8000' } });
    expect(res.status).toBe(201);
    expect(res.json.phone).toBe('+8613800138000');
    const again = await call('POST', '/api/patients', { body: { ...ENROLL_BODY, studyId: 'IGG4-778', phone: '+86 138 0013 8000' } });
    expect(again.status).toBe(409);
  });

  it('a duplicate phone is a 409 whose body does not echo the number', async () => {
    const { call, deps } = await api.setup();
    await call('POST', '/api/patients', { body: ENROLL_BODY });
    const res = await call('POST', '/api/patients', { body: { ...ENROLL_BODY, studyId: 'IGG4-777' } });
    expect(res.status).toBe(409);
    expect(res.json.errors[0].path).toBe('phone');
    expect(res.text).not.toContain('138000');
    expect(await deps.patients.findByStudyId('IGG4-777')).toBeNull();
  });

  it('changing the phone to one already enrolled is a 409 and keeps the old phone', async () => {
    const { call, enroll } = await api.setup();
    const a = await enroll();
    await enroll({ studyId: 'IGG4-002', phone: '+8613800138002' });
    const res = await call('PATCH', `/api/patients/${a.id}`, { body: { phone: '+8613800138002' } });
    expect(res.status).toBe(409);
    expect((await call('GET', `/api/patients/${a.id}`)).json.patient.phone).toBe(ENROLL_BODY.phone);
  });
});

describe('coordinator API: authentication (401) and roles (403)', () => {
  it('401 without a token, with a wrong token, or with another scheme; the body says nothing else', async () => {
    const { call } = await api.setup();
    for (const options of [{ token: null }, { token: 'wrong-token-wrong-token-wrong' }, { token: null, headers: { Authorization: 'Basic abc' } }]) {
      const res = await call('GET', '/api/patients', options);
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ status: 401, title: 'unauthorized' });
      expect(res.headers['www-authenticate']).toBe('Bearer');
    }
  });

  it('checks the token before anything else: an unknown /api route or a bad body is still 401', async () => {
    const { call } = await api.setup();
    expect((await call('GET', '/api/nothing-here', { token: null })).status).toBe(401);
    expect((await call('POST', '/api/patients', { token: null, rawBody: '{', headers: { 'Content-Type': 'application/json' } })).status).toBe(401);
    expect((await call('GET', '/api/nothing-here')).status).toBe(404);
  });

  it('accepts the Authorization header in any case (header normalizer)', async () => {
    const { call } = await api.setup();
    const res = await call('GET', '/api/patients', { token: null, headers: { AUTHORIZATION: `Bearer ${MONITOR_TOKEN}` } });
    expect(res.status).toBe(403);
  });

  it('a monitor may read reports, alerts, digests and exports, and gets 403 on every write and on patients and audit', async () => {
    const { call, enroll } = await api.setup();
    const patient = await enroll();
    const monitor = { token: MONITOR_TOKEN };
    for (const path of ['/api/reports', '/api/alerts', '/api/digests', '/api/exports/patients.csv']) {
      expect((await call('GET', path, monitor)).status, path).toBe(200);
    }
    const forbidden: [string, string, unknown][] = [
      ['POST', '/api/patients', { ...ENROLL_BODY, studyId: 'IGG4-009', phone: '+8613800138009' }],
      ['GET', '/api/patients', undefined],
      ['GET', `/api/patients/${patient.id}`, undefined],
      ['PATCH', `/api/patients/${patient.id}`, { discreet: true }],
      ['POST', `/api/patients/${patient.id}/status`, { action: 'pause', reason: 'hospital' }],
      ['POST', `/api/patients/${patient.id}/randomization`, { method: 'draw' }],
      ['POST', `/api/patients/${patient.id}/visits`, { kind: 'unscheduled', date: '2027-02-01', reason: 'x' }],
      ['POST', '/api/reports/r1/review', { outcome: 'no_action' }],
      ['POST', '/api/alerts/a1/acknowledge', { note: 'seen' }],
      ['GET', `/api/audit`, undefined],
    ];
    for (const [method, path, body] of forbidden) {
      const res = await call(method, path, { ...monitor, ...(body ? { body } : {}), ...(path === '/api/audit' ? { query: { entity: `patient:${patient.id}` } } : {}) });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.json).toEqual({ status: 403, title: 'forbidden' });
    }
    expect((await call('GET', `/api/patients/${patient.id}`)).json.patient.discreet).toBe(false);
  });

  it('a monitor may not ask for message bodies (403); a coordinator may', async () => {
    const { call } = await api.setup();
    expect((await call('GET', '/api/exports/messages.csv', { token: MONITOR_TOKEN, query: { includeBodies: 'true' } })).status).toBe(403);
    expect((await call('GET', '/api/exports/messages.csv', { query: { includeBodies: 'true' } })).status).toBe(200);
  });

  it('/openapi.json needs no token', async () => {
    const { call } = await api.setup();
    const res = await call('GET', '/openapi.json', { token: null });
    expect(res.status).toBe(200);
    expect(res.json.openapi).toBe('3.1.0');
  });
});

describe('coordinator API: configuration', () => {
  it('fails loudly on a bad environment, naming what is missing', () => {
    expect(() => depsFromEnv({ TABLE_NAME: 'trial', AUTH_MODE: 'local-token' })).toThrow(/LOCAL_API_TOKEN/);
    expect(() => depsFromEnv({ TABLE_NAME: 'trial', AUTH_MODE: 'cognito' })).toThrow(/COGNITO_USER_POOL_ID/);
    expect(() => depsFromEnv({ TABLE_NAME: 'trial', AUTH_MODE: 'magic' })).toThrow(/AUTH_MODE/);
    expect(() => depsFromEnv({ TABLE_NAME: 'trial', AUTH_MODE: 'local-token', LOCAL_API_TOKEN: 'x'.repeat(24) })).toThrow(/EXPORT_BUCKET/);
    expect(depsFromEnv({ TABLE_NAME: 'trial', AUTH_MODE: 'local-token', LOCAL_API_TOKEN: 'x'.repeat(24), LOCAL_MONITOR_TOKEN: 'y'.repeat(24), EXPORT_BUCKET: 'trial-exports' }).auth).toBeDefined();
  });

  it('tolerates API Gateway path parameters of a greedy route', async () => {
    const { call, enroll } = await api.setup();
    const p = await enroll();
    const res = await call('GET', `/api/patients/${p.id}`, { pathParameters: { proxy: `api/patients/${p.id}` } });
    expect(res.status).toBe(200);
    expect(res.json.patient.id).toBe(p.id);
  });
});

describe('coordinator API: 404 and 500', () => {
  it('404 for an unknown patient, report, alert or digest', async () => {
    const { call } = await api.setup();
    expect((await call('GET', '/api/patients/nope')).status).toBe(404);
    expect((await call('PATCH', '/api/patients/nope', { body: { discreet: true } })).status).toBe(404);
    expect((await call('GET', '/api/reports/nope')).status).toBe(404);
    expect((await call('POST', '/api/alerts/nope/acknowledge', { body: { note: 'x' } })).status).toBe(404);
    expect((await call('GET', '/api/digests/2027-W02')).status).toBe(404);
  });

  it('500 says only "internal error" and a request id, never the cause', async () => {
    const { call, deps } = await api.setup();
    const logged: unknown[] = [];
    deps.log = (_level, _message, fields) => logged.push(fields);
    deps.patients.listAll = async () => {
      throw new Error('connect ECONNREFUSED 10.0.0.7:8000 table trial-prod secret +8613800138000');
    };
    const res = await call('GET', '/api/patients');
    expect(res.status).toBe(500);
    expect(Object.keys(res.json).sort()).toEqual(['requestId', 'status', 'title']);
    expect(res.json.title).toBe('internal error');
    expect(res.text).not.toMatch(/ECONNREFUSED|trial-prod|138000/);
    expect(JSON.stringify(logged)).not.toContain('+8613800138000');
  });
});
