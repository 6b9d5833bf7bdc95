export * from './actor.ts';
export * from './auth.ts';
export * from './clients.ts';
export * from './errors.ts';
export * from './posts.ts';
export * from './publish-job.ts';
export * from './publishing.ts';
export * from './sign-in-throttle.ts';
