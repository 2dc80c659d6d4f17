import { EngineError, type EngineName, type SpeechEngine } from '../engine';

export const ENGINES: EngineName[] = ['pocketsphinx', 'sherpa-onnx'];

/** Loads the configured engine (in the captions worker). Throws EngineError with how to fix it. */
export async function loadEngine(name: EngineName, model?: string): Promise<SpeechEngine> {
  if (name === 'pocketsphinx') return (await import('./pocketsphinx')).loadPocketSphinx(model);
  if (name === 'sherpa-onnx') {
    if (!model)
      throw new EngineError('CAPTIONS_ENGINE=sherpa-onnx needs CAPTIONS_MODEL: the directory of a sherpa-onnx model');
    return (await import('./sherpa')).loadSherpaOnnx(model);
  }
  throw new EngineError(`unknown CAPTIONS_ENGINE ${name}; use one of ${ENGINES.join(', ')} or off`);
}
