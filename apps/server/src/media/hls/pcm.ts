/** The room mix as the packager takes it (media/mix's `addPcmConsumer`). */
export interface PcmConsumer {
  /** 20 ms of 48 kHz mono audio (960 samples). */
  onPcm(frame: Int16Array, ptsMs: number): void;
  onEnd(): void;
}

export type AddPcmConsumer = (roomId: string, consumer: PcmConsumer) => () => void;

export const FRAME_SAMPLES = 960;
export const FRAME_MS = 20;
