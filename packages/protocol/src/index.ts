export * from './errors';
export * from './realtime';
export * from './social';
