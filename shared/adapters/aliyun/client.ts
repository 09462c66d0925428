import DysmsapiModule, * as $Dysmsapi from '@alicloud/dysmsapi20170525';
import OpenApiModule, * as $OpenApi from '@alicloud/openapi-client';
import * as $Util from '@alicloud/tea-util';

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
const Dysmsapi = constructorOf(DysmsapiModule as unknown as typeof DysmsapiModule.default);
const OpenApi = constructorOf(OpenApiModule as unknown as typeof OpenApiModule.default);

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

export function createDysmsapiClient(credentials: AliyunCredentials, options: AliyunEndpointOptions = {}): DysmsapiClient {
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
export function createDybaseapiClient(credentials: AliyunCredentials, options: AliyunEndpointOptions = {}): OpenApiClient {
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
export function runtimeOptions(timeouts: { connectTimeoutMs: number; readTimeoutMs: number }): $Util.RuntimeOptions {
  return new $Util.RuntimeOptions({ autoretry: false, maxAttempts: 1, connectTimeout: timeouts.connectTimeoutMs, readTimeout: timeouts.readTimeoutMs });
}

export { $Dysmsapi, $OpenApi };
