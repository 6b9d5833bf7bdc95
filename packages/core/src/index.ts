export * from './domain/index.ts';
export * from './services/index.ts';
