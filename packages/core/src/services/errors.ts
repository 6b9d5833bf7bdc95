// Errors a service throws for a person to read; the API layer maps each to a status.

/** The row does not exist in the caller's organization (other tenants' rows look the same). */
export class NotFoundError extends Error {
  constructor(what: string) {
    super(`${what} not found.`);
    this.name = 'NotFoundError';
  }
}

export class ForbiddenError extends Error {
  constructor(message = 'Your role does not allow this.') {
    super(message);
    this.name = 'ForbiddenError';
  }
}

/** The input is well-formed but not acceptable (a time in the past, a caption too long). */
export class InvalidInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidInputError';
  }
}

/** The row is in a state that does not allow this (cancelling a published post). */
export class ConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
  }
}
