import { SmsSendError } from '#ports/sms.ts';

/** The SmsSendError a send rejects with (anything else is rethrown; a send that succeeds fails the test). */
export async function failure(promise: Promise<unknown>): Promise<SmsSendError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SmsSendError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}
