import type DysmsapiModule from '@alicloud/dysmsapi20170525';
import type * as DysmsapiNamespace from '@alicloud/dysmsapi20170525';
import type OpenApiModule from '@alicloud/openapi-client';
import type * as OpenApiNamespace from '@alicloud/openapi-client';
import type * as UtilModule from '@alicloud/tea-util';

/**
 * The official Alibaba Cloud SDK clients (CommonJS with a `default` export: unwrapped here once).
 * `endpoint` is a host[:port]; tests and the local stack point it at the fake on 127.0.0.1 over
 * plain HTTP. Credentials come from Secrets Manager on AWS (see aliyun-credentials.ts).
 */
export type DysmsapiClient = InstanceType<typeof DysmsapiModule.default>;
export type OpenApiClient = InstanceType<typeof OpenApiModule.default>;

/** CommonJS interop differs between Node (module.exports as default) and bundlers (already unwrapped). */
function constructorOf<T>(module: { default: T } | T): T {
  const inner = (module as { default?: T }).default;
  return typeof inner === 'function' ? inner : (module as T);
}

export interface AliyunSdk {
  $Dysmsapi: typeof DysmsapiNamespace;
  $OpenApi: typeof OpenApiNamespace;
  $Util: typeof UtilModule;
  Dysmsapi: typeof DysmsapiModule.default;
  OpenApi: typeof OpenApiModule.default;
}

let sdk: AliyunSdk | undefined;
let loading: Promise<AliyunSdk> | undefined;

/**
 * The Alibaba Cloud SDK (≈ 1.1 MB minified with lodash, moment, xmlbuilder …) is imported on first
 * use, never at module load: the SNS environments' bundles leave `@alicloud/*` out entirely (an
 * external import that is never reached), and the mainland bundles pay for it at the first send,
 * not in every cold start. See docs/performance.md "Lean functions".
 */
export function loadAliyunSdk(): Promise<AliyunSdk> {
  loading ??= Promise.all([import('@alicloud/dysmsapi20170525'), import('@alicloud/openapi-client'), import('@alicloud/tea-util')])
    .then(([$Dysmsapi, $OpenApi, $Util]) => {
      const loaded: AliyunSdk = {
        $Dysmsapi,
        $OpenApi,
        $Util,
        Dysmsapi: constructorOf($Dysmsapi.default as unknown as typeof DysmsapiModule.default),
        OpenApi: constructorOf($OpenApi.default as unknown as typeof OpenApiModule.default),
      };
      sdk = loaded;
      return loaded;
    })
    .catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
  return loading;
}

/** The loaded SDK: every client comes from an (async) factory below, so it is loaded wherever a client exists. */
export function aliyunSdk(): AliyunSdk {
  if (!sdk) throw new Error('the Alibaba Cloud SDK is used before loadAliyunSdk() resolved');
  return sdk;
}

export interface AliyunCredentials {
  accessKeyId: string;
  accessKeySecret: string;
}

export interface AliyunEndpointOptions {
  /** Default dysmsapi.aliyuncs.com. */
  endpoint?: string;
  /** 'https' on the Internet; 'http' only for the fake on 127.0.0.1. */
  protocol?: 'https' | 'http';
  regionId?: string;
}

export async function createDysmsapiClient(credentials: AliyunCredentials, options: AliyunEndpointOptions = {}): Promise<DysmsapiClient> {
  const { Dysmsapi, $OpenApi } = await loadAliyunSdk();
  return new Dysmsapi(
    new $OpenApi.Config({
      accessKeyId: credentials.accessKeyId,
      accessKeySecret: credentials.accessKeySecret,
      endpoint: options.endpoint ?? 'dysmsapi.aliyuncs.com',
      protocol: options.protocol ?? 'https',
      regionId: options.regionId ?? 'cn-hangzhou',
    }),
  );
}

/** A generic POP client, for dybaseapi QueryTokenForMnsQueue (the token of the provider's receipt and reply queues). */
export async function createDybaseapiClient(credentials: AliyunCredentials, options: AliyunEndpointOptions = {}): Promise<OpenApiClient> {
  const { OpenApi, $OpenApi } = await loadAliyunSdk();
  return new OpenApi(
    new $OpenApi.Config({
      accessKeyId: credentials.accessKeyId,
      accessKeySecret: credentials.accessKeySecret,
      endpoint: options.endpoint ?? 'dybaseapi.aliyuncs.com',
      protocol: options.protocol ?? 'https',
      regionId: options.regionId ?? 'cn-hangzhou',
    }),
  );
}

/** Per-call runtime: our own retries (never the SDK's), bounded timeouts. */
export function runtimeOptions(timeouts: { connectTimeoutMs: number; readTimeoutMs: number }): UtilModule.RuntimeOptions {
  return new (aliyunSdk().$Util.RuntimeOptions)({ autoretry: false, maxAttempts: 1, connectTimeout: timeouts.connectTimeoutMs, readTimeout: timeouts.readTimeoutMs });
}

