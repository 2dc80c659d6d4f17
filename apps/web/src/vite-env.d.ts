/// <reference types="vite/client" />

// hls.js ships its light build without its own types: they are the full build's.
declare module 'hls.js/light' {
  export { default } from 'hls.js';
}
