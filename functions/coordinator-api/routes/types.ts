import type { z } from 'zod';
import type { CoordinatorDeps } from '#app/coordinator/deps.ts';
import type { Clock } from '#ports/clock.ts';
import type { DigestRepository } from '#ports/digests.ts';
import type { ExportStore } from '#ports/export-store.ts';
import type { AuthVerifier, Principal, Role } from '../auth.ts';

/** Everything the API needs, injected: the local stack and tests pass dynalite-backed adapters and a fake clock. */
export interface ApiDeps extends CoordinatorDeps {
  clock: Clock;
  auth: AuthVerifier;
  digests: DigestRepository;
  /** Where exports are written (S3 on AWS, a directory locally); the API answers with a link. */
  exports: ExportStore;
  /** Structured, PHI-free logging (ids, reasons); defaults to nothing. */
  log?: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
}

export type ApiResult = { status: number; json: unknown };

export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  principal: Principal & { role: Role };
  now: string;
  requestId: string;
  deps: ApiDeps;
}

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  contentType?: 'application/json' | 'text/csv';
}

export interface RouteDefinition<PS extends z.ZodType | undefined, QS extends z.ZodType | undefined, BS extends z.ZodType | undefined> {
  method: 'GET' | 'POST' | 'PATCH';
  /** OpenAPI path template, also the router's path. */
  path: string;
  operationId: string;
  summary: string;
  /** Roles allowed; anyone else authenticated gets 403. */
  roles: readonly Role[];
  params?: PS;
  query?: QS;
  body?: BS;
  /**
   * Fields of this route's answer that hold text the system generated (a digest's text), shown
   * to monitors as they are; every other free-text field is redacted for them (redact.ts).
   */
  monitorKeeps?: readonly string[];
  /** Success responses (errors are added for every route). */
  responses: Record<number, ResponseSpec>;
  handle(ctx: RouteContext<Out<PS>, Out<QS>, Out<BS>>): Promise<ApiResult>;
}

export type AnyRoute = RouteDefinition<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | undefined>;

export function defineRoute<PS extends z.ZodType | undefined = undefined, QS extends z.ZodType | undefined = undefined, BS extends z.ZodType | undefined = undefined>(
  route: RouteDefinition<PS, QS, BS>,
): AnyRoute {
  return route as unknown as AnyRoute;
}

export const COORDINATOR: readonly Role[] = ['coordinator'];
export const ANY_ROLE: readonly Role[] = ['coordinator', 'monitor'];
