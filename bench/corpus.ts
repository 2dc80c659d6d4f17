// The captions benchmark's corpus: short English sentences of the kind said in a Space. Spoken by
// espeak-ng at run time (apps/server/test/speech.ts); no audio is committed.
export const CORPUS = [
  'welcome everyone to the show',
  'thank you for having me today',
  'can you hear me now',
  'let me share a quick story',
  'the weather is nice this morning',
  'we will take questions at the end',
  'please raise your hand if you want to speak',
  'i think that is a great point',
  'the meeting starts at ten',
  'open source software is free to use',
  'my favorite color is blue',
  'we have three speakers on stage',
  'the music was too loud last night',
  'this is our first live episode',
  'she moved to a new city last year',
  'what do you think about that',
  'the train was late again',
  'we need more time to finish',
  'he plays the guitar very well',
  'i am going to read the news',
  'the children are playing in the park',
  'thank you all for listening',
  'the price of coffee went up',
  'we will be right back after the break',
  'my phone battery is almost empty',
  'please mute yourself when you are not talking',
  'the book was better than the movie',
  'good night and see you next week',
  'the recording will be ready soon',
  'who wants to go first',
  'the sun is shining and the sky is blue',
  'i agree with everything you said',
];

/** Opus packets (20 ms, 48 kHz mono) of the first `count` sentences with short pauses: talk to loop. */
export async function speechPackets(count = 6): Promise<Buffer[]> {
  const { Encoder } = await import('@evan/opus');
  const { speak } = await import('../apps/server/test/speech');
  const encoder = new Encoder({ channels: 1, sample_rate: 48_000, application: 'voip' });
  const packets: Buffer[] = [];
  const frame = 960;
  for (const text of CORPUS.slice(0, count)) {
    const pcm = speak(text);
    const padded = new Int16Array(Math.ceil((pcm.length + 24_000) / frame) * frame); // + 0.5 s pause
    padded.set(pcm);
    for (let i = 0; i < padded.length; i += frame)
      packets.push(Buffer.from(encoder.encode(padded.subarray(i, i + frame))));
  }
  return packets;
}
