import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BUNDLE_DIR, bundleWithInfo, FAKE_ENV, MAINLAND_FAKE_ENV, type BundleInfo } from '../../bench/cold-start.ts';
import { BUNDLE_GOAL_KIB, FUNCTION_SIDE_MODULES } from '../../infra/constructs/bundling.ts';
import { SIDE_MODULES, type SideModuleName } from '../../shared/lazy/side-modules.ts';
import { buildOpenApiDocument } from '../../functions/coordinator-api/openapi.ts';
import { API_ROUTES, API_VERSION } from '../../functions/coordinator-api/routes/all.ts';

/** The phone test/support/api-harness.ts enrols (ENROLL_BODY.phone). */
const ENROLL_PHONE = '+8613800138000';
const root = resolve(import.meta.dirname, '..', '..', 'functions');
const functions = readdirSync(root).filter((name) => existsSync(join(root, name, 'handler.ts')));

/**
 * Bundles larger than the goal today (issue 15 part 3), each with the ceiling it may not pass
 * (KiB): what keeps them above the goal is in docs/performance.md "Lean functions". Every other
 * bundle is held to BUNDLE_GOAL_KIB. Sizes are deterministic for a given lock file.
 */
// luxon left every bundle (shared/domain/zoned-time.ts, branch `lux`, 2026-12-05): −67 KiB each; ceilings at the new size + 1 KiB.
// The reply rules of the field corpus (ordinals, day-by-day counts, negation fixes) then added 2 KiB to the two reply paths: 339 / 344.
// Each reply path then carried its own provider only (shared/adapters/sms-from-env/, 2026-12-05): inbound-sms 339 → 326 without the
// Alibaba sender, the mainland template checks and the Secrets Manager client; pull-sms 344 → 342 without the SNS sender.
// Lazy side modules (shared/lazy/, 2026-12-06): what few requests need is built beside index.mjs and loaded on first use.
// inbound-sms 326 → 265 and pull-sms 342 → 281 without OpenCC (both now within the goal); coordinator-api 658 → 359
// without libphonenumber-js and its metadata (phone.cjs) and the console's files (console-assets.cjs).
// coordinator-api 359 → 337 without zod-openapi and the document's builder: /openapi.json serves the generated document from openapi.cjs;
// 337 → 319 without the CSV export use case and csv-stringify (export-dataset.cjs); 319 → 282, within the goal, with each identity
// provider's verifier a side file loaded at init (auth-cognito.cjs 17 KiB, auth-oidc.cjs 20 KiB): what a cold start parses is
// index.mjs and the one verifier of its AUTH_MODE (docs/performance.md).
const OVER_GOAL: Partial<Record<string, number>> = {};

/**
 * Each function bundled as the CDK construct bundles it (infra/constructs/bundling.ts: the AWS SDK
 * left to the runtime, imported here from node_modules) must load in a fresh Node process with a
 * valid environment: a bundle that drags in local-only code (dynalite, LevelDB), CommonJS globals
 * or a static import of a package the bundle leaves out fails here, not at the first cold start on AWS.
 */
describe('Lambda bundles load', () => {
  it('there are eight functions (pull-sms is deployed in the mainland environment only)', () => {
    expect(functions.sort()).toEqual(['coordinator-api', 'daily-summary', 'dispatch-reminders', 'inbound-sms', 'plan-schedule', 'pull-sms', 'sweep-adherence', 'weekly-digest']);
  });

  /** Imported with the mainland environment (SMS_PROVIDER=aliyun): pull-sms exists only there, dispatch-reminders everywhere. */
  const MAINLAND = new Set(['dispatch-reminders', 'pull-sms']);
  /** Deployed where SNS delivers replies only (infra/stacks/stateless-stack.ts): the SNS sender, no Alibaba code, no Secrets Manager. */
  const SNS_ONLY = new Set(['inbound-sms']);
  /** Functions that text no one carry no SMS sender at all (neither provider), nor the reply pipeline's Chinese converter. */
  const NO_SMS = new Set(['sweep-adherence', 'weekly-digest', 'daily-summary', 'plan-schedule']);
  /** The official Alibaba Cloud SDK and what it brings: no bundle carries them (shared/adapters/aliyun/client.ts signs its own calls). */
  const ALIBABA_SDK = /^(?:@alicloud\/|@darabonba\/|lodash$|moment|xmlbuilder$|ws$|xml2js$|httpx$|kitx$)/;
  it.each(functions)('%s: bundles within its size, imports, exports a handler, without dynalite or the Alibaba Cloud SDK', async (name) => {
    const { file, bytes, byPackage } = await bundleWithInfo(join(root, name, 'handler.ts'), join(BUNDLE_DIR, `test-${name}`));
    const probe = join(file, '..', 'probe.mjs');
    writeFileSync(probe, `const m = await import(${JSON.stringify(file)}); process.stdout.write(typeof m.handler);`);
    const envs = MAINLAND.has(name) ? (name === 'pull-sms' ? [MAINLAND_FAKE_ENV] : [{}, MAINLAND_FAKE_ENV]) : [{}];
    for (const env of envs) {
      const out = execFileSync(process.execPath, [probe], { env: { ...process.env, ...FAKE_ENV, ...env, AWS_LAMBDA_FUNCTION_NAME: name }, encoding: 'utf8' });
      expect(out).toBe('function');
    }
    expect(readFileSync(file, 'utf8')).not.toContain('dynalite');
    expect(Object.keys(byPackage).filter((p) => p.startsWith('@aws-sdk/') || ALIBABA_SDK.test(p))).toEqual([]);
    // Dates and zones are shared/domain/zoned-time.ts's (Intl): luxon (69 KiB, not tree-shakeable) is a test oracle only.
    expect(Object.keys(byPackage).filter((p) => p === 'luxon')).toEqual([]);
    if (MAINLAND.has(name)) expect(readFileSync(file, 'utf8')).toContain('ACS3-HMAC-SHA256');
    if (SNS_ONLY.has(name)) {
      const code = readFileSync(file, 'utf8');
      expect(code).toContain('CheckIfPhoneNumberIsOptedOut');
      expect(code).not.toContain('ACS3-HMAC-SHA256');
      expect(code).not.toContain('@aws-sdk/client-secrets-manager');
      // Configured for the mainland by mistake, it refuses to load and says why (not at the first reply).
      let refused = '';
      try {
        execFileSync(process.execPath, [probe], { env: { ...process.env, ...FAKE_ENV, ...MAINLAND_FAKE_ENV, AWS_LAMBDA_FUNCTION_NAME: name }, encoding: 'utf8', stdio: 'pipe' });
      } catch (error) {
        refused = String((error as { stderr?: string }).stderr);
      }
      expect(refused).toContain('needs SMS_PROVIDER=sns');
    }
    if (name === 'pull-sms') expect(readFileSync(file, 'utf8')).not.toContain('CheckIfPhoneNumberIsOptedOut');
    if (NO_SMS.has(name)) {
      const code = readFileSync(file, 'utf8');
      expect(code).not.toContain('ACS3-HMAC-SHA256');
      expect(code).not.toContain('CheckIfPhoneNumberIsOptedOut');
      expect(Object.keys(byPackage)).not.toContain('opencc-js');
    }
    expect(Math.round(bytes / 1024)).toBeLessThanOrEqual(OVER_GOAL[name] ?? BUNDLE_GOAL_KIB);
    // The side modules index.mjs can load are the ones its asset carries (FUNCTION_SIDE_MODULES), each built beside it.
    const code = readFileSync(file, 'utf8');
    const loads = (Object.keys(SIDE_MODULES) as SideModuleName[]).filter((side) => code.includes(`"${SIDE_MODULES[side].file}"`));
    expect(loads.sort(), `${name}: side modules index.mjs loads`).toEqual([...(FUNCTION_SIDE_MODULES[name] ?? [])].sort());
    for (const side of loads) expect(existsSync(join(file, '..', SIDE_MODULES[side].file)), `${name}: ${SIDE_MODULES[side].file}`).toBe(true);
  }, 60_000);
});

/** Runs `body` (an ES module, may use top-level await) with Node in the bundle's folder, through tsx so it can import the repository's test fakes; returns its stdout parsed as JSON. */
function probeJson(info: BundleInfo, name: string, body: string, env: Record<string, string> = {}): Record<string, unknown> {
  const probe = join(info.file, '..', `probe-${name}.mts`);
  writeFileSync(probe, body);
  const repo = resolve(import.meta.dirname, '..', '..');
  try {
    const out = execFileSync(process.execPath, ['--import', 'tsx', probe], { cwd: repo, env: { ...process.env, ...FAKE_ENV, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return JSON.parse(out) as Record<string, unknown>;
  } catch (error) {
    // The lines of a minified bundle are long: the error line and the stack are what matter.
    const stderr = String((error as { stderr?: unknown }).stderr ?? error);
    throw new Error(`probe-${name} failed: ${stderr.split('\n').filter((line) => line.length < 400).join('\n')}`, { cause: error });
  }
}

/**
 * The lazy side modules (shared/lazy/) through the built bundles: index.mjs no longer carries the
 * code, the side file beside it does, and the bundle's own loader finds it on first use and gives
 * the same answers as the source (the `default` condition every other test runs).
 */
describe('Lambda bundles: side modules load on first use', () => {
  const bundles: Record<string, Promise<BundleInfo>> = {};
  const bundle = (name: string) => (bundles[name] ??= bundleWithInfo(join(root, name, 'handler.ts'), join(BUNDLE_DIR, `lazy-${name}`)));
  const repo = resolve(import.meta.dirname, '..', '..');
  /** A string only OpenCC's TWVariantsRevPhrases dictionary has. */
  const OPENCC_DICTIONARY = '一口吃個 一口喫個';

  it.each(['inbound-sms', 'pull-sms'])('%s: the OpenCC dictionaries are in opencc.cjs, not in index.mjs', async (name) => {
    const info = await bundle(name);
    expect(info.sides.map((side) => side.name)).toEqual(['opencc']);
    expect(readFileSync(info.file, 'utf8')).not.toContain(OPENCC_DICTIONARY);
    expect(readFileSync(info.sides[0]!.file, 'utf8')).toContain(OPENCC_DICTIONARY);
    expect(info.assetBytes).toBe(info.bytes + info.sides[0]!.bytes);
  }, 60_000);

  it('inbound-sms: a reply in traditional characters reads as the same reply in simplified ones, OpenCC loaded only then', async () => {
    const info = await bundle('inbound-sms');
    const result = probeJson(
      info,
      'inbound',
      `
import { createRequire } from 'node:module';
import { memoryInbound } from ${JSON.stringify(join(repo, 'test/support/inbound-memory.ts'))};
import { loadProtocolFile } from ${JSON.stringify(join(repo, 'shared/config/protocol-loader.ts'))};
const { createInboundHandler } = await import(${JSON.stringify(info.file)});
const sideLoaded = () => Object.keys(createRequire(import.meta.url).cache).some((path) => path.endsWith('/opencc.cjs'));
const protocol = loadProtocolFile();
const silent = { info() {}, warn() {}, error() {}, debug() {} };
const metrics = { addMetric() {}, publishStoredMetrics() {} };
const context = { awsRequestId: 'probe', getRemainingTimeInMillis: () => 60_000, functionName: 'inbound-sms' };
/** One text from an enrolled patient, on fresh in-memory state: what the reply pipeline made of it. */
async function deliver(body) {
  const m = memoryInbound(protocol, '2027-01-16T02:00:00.000Z');
  await m.enroll();
  const handler = createInboundHandler(m.deps, { logger: silent, metrics });
  const record = m.text(body, '2027-01-16T02:00:00.000Z');
  const event = { Records: [{ EventSource: 'aws:sns', EventVersion: '1.0', EventSubscriptionArn: 'arn:aws:sns:cn-north-1:123456789012:inbound:sub',
    Sns: { Type: 'Notification', MessageId: record.snsMessageId, TopicArn: 'arn:aws:sns:cn-north-1:123456789012:inbound', Subject: null,
      Message: JSON.stringify(record.payload), Timestamp: record.receivedAt, SignatureVersion: '1', Signature: 'x', SigningCertUrl: 'https://x', UnsubscribeUrl: 'https://x', MessageAttributes: {} } }] };
  const outcome = await handler(event, context);
  const reports = (await m.repos.reports.listByStatus('open')).items.map((r) => r.interpretation);
  return { outcome, replies: m.sms.sent.map((s) => s.body), alerts: m.publisher.published.map((a) => a.kind), reports };
}
const out = { loadedAtImport: sideLoaded() };
out.latin = await deliver('taken');
out.loadedAfterLatin = sideLoaded();
for (const [key, text] of [['traditional', '最近睡不著，發燒'], ['simplified', '最近睡不着，发烧']]) out[key] = await deliver(text);
out.loadedAfterHan = sideLoaded();
process.stdout.write(JSON.stringify(out));
`,
      { AWS_LAMBDA_FUNCTION_NAME: 'inbound-sms' },
    );
    expect(result.loadedAtImport).toBe(false);
    expect(result.loadedAfterLatin).toBe(false);
    expect(result.loadedAfterHan).toBe(true);
    const simplified = result.simplified as { outcome: unknown; replies: string[]; alerts: string[]; reports: unknown[] };
    expect(simplified.outcome).toEqual({ processed: 1, duplicates: 0 });
    const interpretation = simplified.reports[0] as { intent: string; items: { term: string }[]; redFlag: boolean };
    expect([interpretation.intent, interpretation.items.map((item) => item.term), interpretation.redFlag]).toEqual(['side_effect', ['Insomnia', 'Fever'], true]);
    expect(simplified.alerts).toEqual(['red_flag']);
    expect(result.traditional).toEqual(simplified);
  }, 60_000);

  it('coordinator-api: the console, libphonenumber-js and the OpenAPI document are side files; a page request, an enrolment check and GET /openapi.json load them through index.mjs', async () => {
    const info = await bundle('coordinator-api');
    expect(info.sides.map((side) => side.name).sort()).toEqual(['auth-cognito', 'auth-oidc', 'console-assets', 'export-dataset', 'openapi', 'phone']);
    const code = readFileSync(info.file, 'utf8');
    const side = (n: SideModuleName) => readFileSync(info.sides.find((s) => s.name === n)!.file, 'utf8');
    expect(code).not.toContain('a landline');
    expect(side('phone')).toContain('a landline');
    expect(code).not.toContain('Trial SMS — coordinator console');
    expect(side('console-assets')).toContain('Trial SMS — coordinator console');
    // Neither zod-openapi nor the document's builder is in index.mjs; the generated document is in openapi.cjs.
    expect(Object.keys(info.byPackage)).not.toContain('zod-openapi');
    expect(code).not.toContain('Coordinators and monitors of the IgG4-RD maintenance trial');
    expect(side('openapi')).toContain('Coordinators and monitors of the IgG4-RD maintenance trial');
    const result = probeJson(
      info,
      'api',
      `
import { createRequire } from 'node:module';
const { handler } = await import(${JSON.stringify(info.file)});
const cache = () => Object.keys(createRequire(import.meta.url).cache).filter((path) => path.startsWith(${JSON.stringify(join(info.file, '..'))} + '/')).map((path) => path.slice(path.lastIndexOf('/') + 1)).sort();
const context = { awsRequestId: 'probe', getRemainingTimeInMillis: () => 30_000, functionName: 'coordinator-api' };
const event = (method, path, body) => ({ version: '2.0', routeKey: '$default', rawPath: path, rawQueryString: '',
  headers: { host: 'api.example', authorization: 'Bearer probe-token-0123456789', ...(body ? { 'content-type': 'application/json' } : {}) },
  requestContext: { accountId: '123456789012', apiId: 'api', domainName: 'api.example', domainPrefix: 'api', requestId: 'r', routeKey: '$default', stage: '$default', time: '', timeEpoch: 0,
    http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'probe' } },
  ...(body ? { body: JSON.stringify(body) } : {}), isBase64Encoded: false });
const out = { atImport: cache() };
const openapi = await handler(event('GET', '/openapi.json'), context);
out.openapi = { status: openapi.statusCode, type: openapi.headers['content-type'], body: openapi.body };
out.afterOpenApi = cache();
const page = await handler(event('GET', '/app.js'), context);
out.page = { status: page.statusCode, type: page.headers['content-type'], length: page.body.length };
out.afterPage = cache();
const enrol = await handler(event('POST', '/api/patients', { studyId: 'BJ-001', phone: '+86 10 6552 8888' }), context);
out.enrol = { status: enrol.statusCode, body: JSON.parse(enrol.body) };
out.afterEnrol = cache();
process.stdout.write(JSON.stringify(out));
`,
      { AWS_LAMBDA_FUNCTION_NAME: 'coordinator-api', AUTH_MODE: 'local-token', LOCAL_API_TOKEN: 'probe-token-0123456789' },
    );
    expect(result.atImport).toEqual([]);
    // Exactly the document the source builds now (zod-openapi over the routes), byte for byte.
    const openapi = result.openapi as { status: number; type: string; body: string };
    expect([openapi.status, openapi.type]).toEqual([200, 'application/json; charset=utf-8']);
    expect(JSON.parse(openapi.body)).toEqual(buildOpenApiDocument(API_ROUTES, API_VERSION));
    expect(openapi.body).toBe(JSON.stringify(buildOpenApiDocument(API_ROUTES, API_VERSION)));
    expect(result.afterOpenApi).toEqual(['openapi.cjs']);
    const appJs = readFileSync(join(repo, 'functions/coordinator-api/console/app.js'), 'utf8');
    expect(result.page).toEqual({ status: 200, type: 'text/javascript; charset=utf-8', length: appJs.length });
    expect(result.afterPage).toEqual(['console-assets.cjs', 'openapi.cjs']);
    const enrol = result.enrol as { status: number; body: { errors: { path: string; message: string }[] } };
    expect(enrol.status).toBe(400);
    expect(enrol.body.errors).toContainEqual({ path: 'phone', message: '+86 10 6552 8888 is a landline: it cannot receive SMS; give the patient\'s mobile number' });
    expect(result.afterEnrol).toEqual(['console-assets.cjs', 'openapi.cjs', 'phone.cjs']);
  }, 60_000);
});

describe('Lambda bundles: the CSV export through coordinator-api', () => {
  const repo = resolve(import.meta.dirname, '..', '..');
  it('export-dataset.cjs carries csv-stringify; an export request loads it then, and writes the file the source writes', async () => {
    const info = await bundleWithInfo(join(root, 'coordinator-api', 'handler.ts'), join(BUNDLE_DIR, 'export-coordinator-api'));
    expect(Object.keys(info.byPackage)).not.toContain('csv-stringify');
    const side = readFileSync(info.sides.find((s) => s.name === 'export-dataset')!.file, 'utf8');
    expect(side).toContain('record_delimiter');
    const result = probeJson(
      info,
      'export',
      `
import { createRequire } from 'node:module';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryRepositories } from ${JSON.stringify(join(repo, 'shared/adapters/memory/index.ts'))};
import { LocalExportStore } from ${JSON.stringify(join(repo, 'shared/adapters/exports/local-export-store.ts'))};
import { loadProtocolFile } from ${JSON.stringify(join(repo, 'shared/config/protocol-loader.ts'))};
import { planPatient } from ${JSON.stringify(join(repo, 'shared/app/plan-schedule.ts'))};
import { localTokenVerifier } from ${JSON.stringify(join(repo, 'functions/coordinator-api/auth.ts'))};
import { fixedClock } from ${JSON.stringify(join(repo, 'shared/ports/clock.ts'))};
import { apiEvent, COORDINATOR_TOKEN, MONITOR_TOKEN, ENROLL_BODY } from ${JSON.stringify(join(repo, 'test/support/api-harness.ts'))};
import * as source from ${JSON.stringify(join(repo, 'functions/coordinator-api/handler.ts'))};
const bundled = await import(${JSON.stringify(info.file)});
const sides = () => Object.keys(createRequire(import.meta.url).cache).filter((path) => path.startsWith(${JSON.stringify(join(info.file, '..'))} + '/')).map((path) => path.slice(path.lastIndexOf('/') + 1)).sort();
const protocol = loadProtocolFile();
const context = { awsRequestId: 'probe', getRemainingTimeInMillis: () => 30_000, functionName: 'coordinator-api' };
/** Fresh in-memory state, one patient enrolled, then exports: what each answered and the file its link gives. */
async function scenario(createApiHandler, log) {
  const repos = memoryRepositories(protocol.studyTimeZone);
  const exports = new LocalExportStore({ dir: mkdtempSync(join(tmpdir(), 'bundle-exports-')), baseUrl: () => 'http://127.0.0.1:3000/' });
  const handler = createApiHandler({ ...repos, exports, protocol, clock: fixedClock('2027-01-20T02:00:00Z'),
    planner: { planPatient: (patient, now) => planPatient({ reminders: repos.reminders, protocol }, patient, now) },
    auth: localTokenVerifier({ coordinatorToken: COORDINATOR_TOKEN, monitorToken: MONITOR_TOKEN }) });
  const call = async (method, path, options) => handler(apiEvent(method, path, options), context);
  const enrol = await call('POST', '/api/patients', { body: ENROLL_BODY });
  log.push(['enrolled', enrol.statusCode, sides()]);
  const out = {};
  for (const [dataset, token] of [['patients', COORDINATOR_TOKEN], ['doses', COORDINATOR_TOKEN], ['audit', MONITOR_TOKEN]]) {
    const res = await call('GET', '/api/exports/' + dataset + '.csv', { token, pathParameters: { dataset } });
    const link = JSON.parse(res.body);
    const url = new URL(link.url);
    const file = await exports.open(decodeURIComponent(url.pathname.replace(/^\\/local\\/exports\\//, '')), url.searchParams);
    const chunks = [];
    for await (const chunk of file.stream) chunks.push(chunk);
    const text = Buffer.concat(chunks).toString('utf8');
    out[dataset] = { status: res.statusCode, rows: link.rows, bytes: link.bytes, filename: link.filename, text };
    log.push([dataset, res.statusCode, sides()]);
  }
  return out;
}
const log = [['import', null, sides()]];
const fromBundle = await scenario(bundled.createApiHandler, log);
const fromSource = await scenario(source.createApiHandler, []);
process.stdout.write(JSON.stringify({ log, fromBundle, fromSource }));
`,
      { AWS_LAMBDA_FUNCTION_NAME: '' },
    );
    const log = result.log as [string, number | null, string[]][];
    expect(log).toEqual([
      ['import', null, []],
      ['enrolled', 201, ['phone.cjs']],
      ['patients', 200, ['export-dataset.cjs', 'phone.cjs']],
      ['doses', 200, ['export-dataset.cjs', 'phone.cjs']],
      ['audit', 200, ['export-dataset.cjs', 'phone.cjs']],
    ]);
    type Export = { status: number; rows: number; bytes: number; filename: string; text: string };
    const bundle = result.fromBundle as Record<string, Export>;
    const source = result.fromSource as Record<string, Export>;
    // The patients file has no generated ids: byte for byte the source's. Doses (none answered yet: the header only) and the
    // audit trail (the enrolment, the reads) carry fresh ids: the same header and rows.
    expect(bundle.patients).toEqual(source.patients);
    expect(bundle.patients!.text).toMatch(/^studyId,status,arm,enrolledOn,.*\r\nIGG4-001,active,/);
    expect(bundle.audit!.rows).toBeGreaterThan(0);
    for (const dataset of ['doses', 'audit']) {
      const [b, s] = [bundle[dataset]!, source[dataset]!];
      expect([b.status, b.rows, b.filename, b.text.split('\r\n')[0]], dataset).toEqual([s.status, s.rows, s.filename, s.text.split('\r\n')[0]]);
      expect(b.text.split('\r\n').length, dataset).toBe(s.text.split('\r\n').length);
    }
    // A monitor's audit export carries no phone number.
    expect(bundle.audit!.text).not.toContain(ENROLL_PHONE);
  }, 60_000);
});

/**
 * The identity provider's verifier is a side module per AUTH_MODE, loaded at init (when the handler
 * reads AUTH_MODE), not on a request: a deployment's cold start parses exactly the verifier it uses.
 */
describe('Lambda bundles: coordinator-api loads the verifier of its AUTH_MODE at import, and only that one', () => {
  const ISSUER = 'https://127.0.0.1:9/realms/trial';
  const MODES: [string, Record<string, string>, string[]][] = [
    ['cognito', { AUTH_MODE: 'cognito' }, ['auth-cognito.cjs']],
    ['oidc', { AUTH_MODE: 'oidc', OIDC_ISSUER: ISSUER, OIDC_AUDIENCE: 'trial-sms-console', OIDC_ROLES_CLAIM: 'realm_access.roles' }, ['auth-oidc.cjs']],
    ['local-token', { AUTH_MODE: 'local-token', LOCAL_API_TOKEN: 'probe-token-0123456789' }, []],
  ];
  let info: Promise<BundleInfo> | undefined;
  it.each(MODES)('AUTH_MODE=%s', async (mode, env, loadedAtImport) => {
    info ??= bundleWithInfo(join(root, 'coordinator-api', 'handler.ts'), join(BUNDLE_DIR, 'auth-coordinator-api'));
    const built = await info;
    const code = readFileSync(built.file, 'utf8');
    // Neither library is in index.mjs; each is in its own side file.
    expect(Object.keys(built.byPackage).filter((p) => p === 'jose' || p === 'aws-jwt-verify')).toEqual([]);
    expect(code).not.toContain('cognito-idp.');
    expect(readFileSync(join(built.file, '..', 'auth-cognito.cjs'), 'utf8')).toContain('cognito-idp.');
    expect(readFileSync(join(built.file, '..', 'auth-oidc.cjs'), 'utf8')).toContain('openid-configuration');
    const result = probeJson(
      built,
      `auth-${mode}`,
      `
import { createRequire } from 'node:module';
import { generateKeyPairSync, sign } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, createLocalJWKSet } from 'jose';
const sideRequire = createRequire(${JSON.stringify(built.file)});
const loaded = () => Object.keys(sideRequire.cache).filter((path) => path.startsWith(${JSON.stringify(join(built.file, '..'))} + '/')).map((path) => path.slice(path.lastIndexOf('/') + 1)).sort();
const { handler } = await import(${JSON.stringify(built.file)});
const out = { atImport: loaded() };
const context = { awsRequestId: 'probe', getRemainingTimeInMillis: () => 30_000, functionName: 'coordinator-api' };
const res = await handler({ version: '2.0', routeKey: '$default', rawPath: '/api/patients', rawQueryString: '', headers: { host: 'api.example', authorization: 'Bearer not.a.token' },
  requestContext: { accountId: '123456789012', apiId: 'api', domainName: 'api.example', domainPrefix: 'api', requestId: 'r', routeKey: '$default', stage: '$default', time: '', timeEpoch: 0,
    http: { method: 'GET', path: '/api/patients', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'probe' } }, isBase64Encoded: false }, context);
out.badToken = res.statusCode;
out.afterRequest = loaded();
// The side file the handler loaded verifies a good token and refuses a forged one (the very module instance index.mjs uses).
if (${JSON.stringify(mode)} === 'cognito') {
  const { cognitoVerifier } = sideRequire('./auth-cognito.cjs');
  const pool = 'ap-east-1_TestPool1';
  const key = (kid) => { const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 }); return { privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } }; };
  const good = key('k1');
  const forged = key('k1');
  const jwt = (privateKey) => {
    const b64 = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const input = b64({ alg: 'RS256', kid: 'k1', typ: 'JWT' }) + '.' + b64({ iss: 'https://cognito-idp.ap-east-1.amazonaws.com/' + pool, client_id: 'exampleclientid', token_use: 'access', iat: now, exp: now + 600, sub: 's', username: 'li', 'cognito:groups': ['monitor'] });
    return input + '.' + sign('sha256', Buffer.from(input), privateKey).toString('base64url');
  };
  const verifier = cognitoVerifier({ userPoolId: pool, clientId: 'exampleclientid', jwks: { keys: [good.jwk] } });
  out.verified = [await verifier.verify(jwt(good.privateKey)), await verifier.verify(jwt(forged.privateKey))];
}
if (${JSON.stringify(mode)} === 'oidc') {
  const { oidcVerifier } = sideRequire('./auth-oidc.cjs');
  const pair = await generateKeyPair('RS256');
  const forged = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256' };
  const verifier = oidcVerifier({ issuer: ${JSON.stringify(ISSUER)}, audience: ['trial-sms-console'], rolesClaim: 'realm_access.roles', keys: createLocalJWKSet({ keys: [jwk] }) });
  const token = (key) => new SignJWT({ aud: 'trial-sms-console', realm_access: { roles: ['coordinator'] }, preferred_username: 'li.wei' })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuer(${JSON.stringify(ISSUER)}).setSubject('3f1c').setIssuedAt().setExpirationTime('5m').sign(key);
  out.verified = [await verifier.verify(await token(pair.privateKey)), await verifier.verify(await token(forged.privateKey))];
}
process.stdout.write(JSON.stringify(out));
`,
      { AWS_LAMBDA_FUNCTION_NAME: 'coordinator-api', ...env },
    );
    expect(result.atImport).toEqual(loadedAtImport);
    expect(result.badToken).toBe(401);
    expect(result.afterRequest).toEqual(loadedAtImport);
    if (mode === 'cognito') expect(result.verified).toEqual([{ subject: 'cognito:li', role: 'monitor' }, null]);
    if (mode === 'oidc') expect(result.verified).toEqual([{ subject: 'oidc:li.wei', role: 'coordinator' }, null]);
  }, 60_000);
});

/** No shipped code imports luxon (a dev dependency, the tests' oracle): the bundles above, and the local stack's scheduler. */
describe('luxon stays out of shipped code', () => {
  it('no file under shared/, functions/ or infra/ imports it', () => {
    const repo = resolve(import.meta.dirname, '..', '..');
    const files = ['shared', 'functions', 'infra'].flatMap((dir) =>
      readdirSync(join(repo, dir), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.ts'))
        .map((f) => join(dir, f)),
    );
    expect(files.length).toBeGreaterThan(100);
    expect(files.filter((f) => /from ['"]luxon['"]|import\(['"]luxon['"]\)|require\(['"]luxon['"]\)/.test(readFileSync(join(repo, f), 'utf8')))).toEqual([]);
  });
});
