import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * Structured logs and metrics. Rule: log study IDs, ids, counts and reasons — never a phone
 * number, a message body or a whole event. `safeError` keeps an error's name and message only
 * (SDK errors can echo request parameters in other fields).
 */
export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName, logLevel: (process.env.POWERTOOLS_LOG_LEVEL as 'INFO' | undefined) ?? 'INFO' });
}

export function createMetrics(serviceName: string): Metrics {
  return new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'TrialSms', serviceName });
}

export function safeError(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: redactPhones(error.message) };
  return { name: 'NonError', message: 'non-error thrown' };
}

/** Masks anything that looks like a phone number (defence in depth for error messages). */
export function redactPhones(text: string): string {
  return text.replace(/\+?\d{7,15}/g, '[redacted]');
}

export { MetricUnit };
