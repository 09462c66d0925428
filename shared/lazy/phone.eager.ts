// `#lazy/phone` outside a Lambda bundle: the check itself. In a bundle: phone.lazy.ts.
export { checkMobileNumber, type PhoneCheck } from '#domain/phone.ts';
