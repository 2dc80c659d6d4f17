import ipaddr from 'ipaddr.js';

/**
 * Reading and trimming SDP offers before they reach node-datachannel: an offer we cannot serve is
 * refused with a reason here, so no peer connection is ever made for it. Trimming keeps only Opus
 * (and, for publishers, the audio-level extension) so the answer cannot pick anything else.
 */

export const AUDIO_LEVEL_URI = 'urn:ietf:params:rtp-hdrext:ssrc-audio-level';
const MAX_SECTIONS = 64;
/** A browser offers a handful (host, srflx, relay per interface); more is someone making us probe others. */
export const MAX_CANDIDATES = 32;

export interface AudioSection {
  mid: string;
  direction: 'sendonly' | 'recvonly' | 'sendrecv' | 'inactive';
  opusPayloadType: number;
  /** The id of the audio-level header extension, if offered. */
  audioLevelId?: number;
  ssrc?: number;
}

export interface Offer {
  sections: AudioSection[];
  /** The offer with every audio section cut down to what Earshot answers. */
  trimmed: string;
}

export class SdpError extends Error {
  constructor(
    readonly code:
      | 'invalid_sdp'
      | 'no_audio'
      | 'unsupported_codec'
      | 'unsupported_media'
      | 'wrong_direction'
      | 'too_many_candidates',
    message: string,
  ) {
    super(message);
    this.name = 'SdpError';
  }
}

const DIRECTIONS = new Set(['sendonly', 'recvonly', 'sendrecv', 'inactive']);

/**
 * Whether the server may send ICE checks to a candidate's address. Only public unicast IP
 * literals, unless `allowPrivate`: otherwise an offer could make the server probe its own
 * loopback, LAN or cloud network, or whatever a host name resolves to. A peer that really is at
 * such an address still connects: its own checks reach us and we answer where they came from.
 */
export function mayProbe(address: string, allowPrivate: boolean) {
  if (allowPrivate) return true;
  // Plain dotted quads only: libjuice would read 0x7f.1 or 2130706433 its own way.
  if (!ipaddr.IPv4.isValidFourPartDecimal(address) && !ipaddr.IPv6.isValid(address)) return false;
  return ipaddr.process(address).range() === 'unicast';
}

/**
 * Drops the candidates we will not probe; refuses a section that offers more than MAX_CANDIDATES.
 * The answer bundles every section on the first one's transport, so only its candidates are used.
 */
function keepCandidates(lines: string[], allowPrivate: boolean) {
  let section = -1; // the session level, before the first m=
  const seen = new Map<number, Set<string>>();
  return lines.filter((line) => {
    if (line.startsWith('m=')) section += 1;
    if (!line.startsWith('a=candidate:')) return true;
    const distinct = seen.get(section) ?? new Set<string>();
    seen.set(section, distinct.add(line));
    if (distinct.size > MAX_CANDIDATES)
      throw new SdpError('too_many_candidates', `a media section carries at most ${MAX_CANDIDATES} ICE candidates`);
    // a=candidate:foundation component transport priority address port typ …
    return section <= 0 && mayProbe(line.split(' ')[4] ?? '', allowPrivate);
  });
}

/**
 * Parses an offer; `keepAudioLevel` keeps that extension (publishers send it, the mix carries it).
 * Candidates at addresses `mayProbe` refuses are dropped.
 */
export function parseOffer(sdp: string, keepAudioLevel: boolean, allowPrivate = true): Offer {
  const all = sdp.split(/\r?\n/).filter((l) => l.length > 0);
  if (all[0] !== 'v=0' || !all.every((l) => /^[a-z]=/.test(l)))
    throw new SdpError('invalid_sdp', 'the body is not an SDP offer (it must start with v=0, one field per line)');
  const lines = keepCandidates(all, allowPrivate);
  const starts = lines.flatMap((l, i) => (l.startsWith('m=') ? [i] : []));
  if (starts.length === 0) throw new SdpError('no_audio', 'the offer has no media section; offer one audio section');
  if (starts.length > MAX_SECTIONS) throw new SdpError('invalid_sdp', `at most ${MAX_SECTIONS} media sections`);
  const session = lines.slice(0, starts[0]);
  const sections: AudioSection[] = [];
  const out = [...session];
  starts.forEach((start, n) => {
    const media = lines.slice(start, starts[n + 1] ?? lines.length);
    const [kind, , , ...formats] = media[0]!.slice(2).split(' ');
    if (kind !== 'audio')
      throw new SdpError('unsupported_media', `Earshot carries audio only; the offer has a ${kind} section`);
    const attrs = media.filter((l) => l.startsWith('a='));
    const value = (name: string) => attrs.find((l) => l.startsWith(`a=${name}:`))?.slice(name.length + 3);
    const opus = attrs
      .map((l) => /^a=rtpmap:(\d+) opus\/48000(\/2)?$/i.exec(l))
      .find((m) => m && formats.includes(m[1]!));
    if (!opus) throw new SdpError('unsupported_codec', 'every audio section must offer Opus (opus/48000/2)');
    const pt = opus[1]!;
    const mid = value('mid');
    if (!mid) throw new SdpError('invalid_sdp', 'every media section needs an a=mid');
    const direction = attrs.map((l) => l.slice(2)).find((a) => DIRECTIONS.has(a)) ?? 'sendrecv';
    const levelMap = attrs
      .map((l) => /^a=extmap:(\d+)(?:\/\w+)? (\S+)/.exec(l))
      .find((m) => m?.[2] === AUDIO_LEVEL_URI);
    const ssrc = attrs.map((l) => /^a=ssrc:(\d+) /.exec(l)).find(Boolean)?.[1];
    sections.push({
      mid,
      direction: direction as AudioSection['direction'],
      opusPayloadType: Number(pt),
      audioLevelId: levelMap ? Number(levelMap[1]) : undefined,
      ssrc: ssrc === undefined ? undefined : Number(ssrc),
    });
    // Keep the section with Opus only; drop other codecs' lines and unneeded extensions.
    const [m0, m1, m2] = media[0]!.split(' ');
    out.push(`${m0} ${m1} ${m2} ${pt}`);
    for (const line of media.slice(1)) {
      const format = /^a=(?:rtpmap|fmtp|rtcp-fb):(\d+|\*)/.exec(line)?.[1];
      if (format !== undefined && format !== pt) continue;
      if (line.startsWith('a=extmap:') && !(keepAudioLevel && levelMap && line === levelMap.input)) continue;
      out.push(line);
    }
  });
  // We take the DTLS server's side: the offerer, which finishes ICE first, then opens DTLS at once
  // (the other way round, its first message can arrive before its ICE is ready, costing a 1 s resend).
  const trimmed = out.map((l) => (l === 'a=setup:actpass' ? 'a=setup:active' : l));
  return { sections, trimmed: `${trimmed.join('\r\n')}\r\n` };
}

/** A WHIP offer: one audio section that sends, with its SSRC (we route incoming media by it). */
export function parsePublishOffer(sdp: string, allowPrivate = true): AudioSection & { trimmed: string } {
  const offer = parseOffer(sdp, true, allowPrivate);
  const [section, ...rest] = offer.sections;
  if (!section || rest.length > 0)
    throw new SdpError('invalid_sdp', 'a WHIP offer has exactly one audio section (the microphone)');
  if (section.direction !== 'sendonly' && section.direction !== 'sendrecv')
    throw new SdpError('wrong_direction', 'a WHIP offer must send audio (a=sendonly)');
  if (section.ssrc === undefined) throw new SdpError('invalid_sdp', 'the audio section must declare its a=ssrc');
  return { ...section, trimmed: offer.trimmed };
}

export function parseListenOffer(sdp: string, allowPrivate = true): Offer {
  const offer = parseOffer(sdp, (sdp.match(/^m=/gm) ?? []).length === 1, allowPrivate);
  for (const s of offer.sections)
    if (s.direction !== 'recvonly' && s.direction !== 'sendrecv')
      throw new SdpError('wrong_direction', 'a WHEP offer must receive audio (a=recvonly)');
  return offer;
}

/** Points the answer's candidates at the announced address (a server behind 1:1 NAT). */
export function announceAddress(answer: string, ip: string): string {
  return answer.replace(
    /^a=candidate:(\S+) (\d) (udp|UDP) (\d+) (\S+) (\d+) typ host(.*)$/gm,
    (_all, foundation, component, proto, priority, _addr, port, rest) =>
      `a=candidate:${foundation} ${component} ${proto} ${priority} ${ip} ${port} typ host${rest}`,
  );
}
