// What storage throws, so callers can tell a bad key or a wrong-sized body from a broken disk.

/** A key (or list prefix) outside the allowed shape: `[A-Za-z0-9._/-]`, no `..`, no empty parts. */
export class StorageKeyError extends Error {
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`Invalid storage key ${JSON.stringify(key)}: ${reason}.`);
    this.name = 'StorageKeyError';
  }
}

/** `read` or `download` of a key that holds nothing. */
export class StorageNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`No stored object at ${key}.`);
    this.name = 'StorageNotFoundError';
  }
}

/** A body longer or shorter than the size it was declared with; nothing was stored. */
export class StorageSizeError extends Error {
  constructor(
    readonly key: string,
    readonly expected: number,
    /** `too-large` is raised as soon as the excess arrives, before the rest is read. */
    readonly problem: 'too-large' | 'too-small',
  ) {
    super(
      problem === 'too-large'
        ? `More than the declared ${expected} bytes arrived for ${key}.`
        : `Fewer than the declared ${expected} bytes arrived for ${key}.`,
    );
    this.name = 'StorageSizeError';
  }
}

/** Storage settings that cannot work; the message names each variable to fix. */
export class StorageConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StorageConfigError';
  }
}
