export * from './captions';
export * from './errors';
export * from './realtime';
export * from './recording';
export * from './room';
export * from './safety';
export * from './social';
export * from './spaces';
