export * from './errors';
export * from './realtime';
export * from './room';
export * from './social';
export * from './spaces';
