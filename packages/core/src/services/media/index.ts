export * from './cleanup.ts';
export * from './deps.ts';
export * from './fallback-package.ts';
export * from './jobs.ts';
export * from './library.ts';
export * from './post-media.ts';
export * from './process.ts';
export * from './uploads.ts';
