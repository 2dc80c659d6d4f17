/**
 * sherpa-onnx models `npm run captions:model -- <name>` knows: the archive in the k2-fsa/sherpa-onnx
 * `asr-models` GitHub release, its size and SHA-256. The release publishes no digests; these are
 * the digests of the release assets as several independent projects pin them (they agree).
 */
export const MODELS_BASE_URL = 'https://github.com/k2-fsa/sherpa-onnx/releases/download/asr-models';

export interface KnownFile {
  /** The asset's file name in the release. */
  file: string;
  bytes: number;
  sha256: string;
}

export interface KnownModel extends KnownFile {
  /** What it is, for the list. */
  about: string;
  /** Single files that go inside the unpacked directory (the voice-activity detector of offline models). */
  extras?: KnownFile[];
}

const SILERO_VAD: KnownFile = {
  file: 'silero_vad.onnx',
  bytes: 643_854,
  sha256: '9e2449e1087496d8d4caba907f23e0bd3f78d91fa552479bb9c23ac09cbb1fd6',
};

export const KNOWN_MODELS: Record<string, KnownModel> = {
  'sherpa-onnx-streaming-zipformer-en-20M-2023-02-17': {
    about: 'English, streaming, small and fast (recommended)',
    file: 'sherpa-onnx-streaming-zipformer-en-20M-2023-02-17.tar.bz2',
    bytes: 127_887_156,
    sha256: '9c559283e8498d3fe95913c79ca1cb454bb26281ac2b102b41306c7d752765d9',
  },
  'sherpa-onnx-streaming-zipformer-en-2023-06-26': {
    about: 'English, streaming, larger and more accurate',
    file: 'sherpa-onnx-streaming-zipformer-en-2023-06-26.tar.bz2',
    bytes: 310_414_022,
    sha256: '639e25b578e9e997131402199419c13a941f8e4e198e2da1ce57dbf5cf401282',
  },
  'sherpa-onnx-moonshine-tiny-en-int8': {
    about: 'English, whole utterances (with a voice-activity detector): more lag, more CPU',
    file: 'sherpa-onnx-moonshine-tiny-en-int8.tar.bz2',
    bytes: 107_600_538,
    sha256: 'd5fe6ec4334fef36255b2a4010412cad4c007e33103fec62fb5d17cad88086f2',
    extras: [SILERO_VAD],
  },
};
