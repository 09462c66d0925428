/** Authenticated, but the role may not do this: 403. */
export class ForbiddenError extends Error {
  constructor() {
    super('forbidden');
    this.name = 'ForbiddenError';
  }
}

/** No valid bearer token: 401. */
export class UnauthorizedError extends Error {
  constructor() {
    super('unauthorized');
    this.name = 'UnauthorizedError';
  }
}

/** Request fields that failed validation: 400 naming each. */
export class RequestValidationError extends Error {
  constructor(readonly errors: { path: string; message: string }[]) {
    super('invalid request');
    this.name = 'RequestValidationError';
  }
}
