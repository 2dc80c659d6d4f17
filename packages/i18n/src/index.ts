export * from './languages';
export { translator } from './translate';
