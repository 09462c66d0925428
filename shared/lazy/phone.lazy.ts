// `#lazy/phone` in a Lambda bundle: libphonenumber-js and its metadata come from phone.cjs beside index.mjs, on the first number checked.
import type * as Side from '#domain/phone.ts';
import { loadSideModule } from './load.ts';
import { PHONE_SIDE } from './side-modules.ts';

export type { PhoneCheck } from '#domain/phone.ts';
export const checkMobileNumber: typeof Side.checkMobileNumber = (input) => loadSideModule<typeof Side>(PHONE_SIDE).checkMobileNumber(input);
