import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * Runs a tool (ffmpeg) with pipes for stdin/stdout/stderr and nothing else inherited. libjuice's
 * UDP mux socket (and libwebrtc's) are opened without close-on-exec, so a plain spawn hands them to
 * the child: a long-lived ffmpeg then keeps the media port bound after the mux lets it go, and the
 * next peer fails to gather ("Failed to gather local ICE candidates"; seen with the HLS encoder).
 * Node cannot close a child's other descriptors, so bash does it before exec'ing the tool.
 */
// biome-ignore lint/suspicious/noTemplateCurlyInString: a shell script, not a template
const CLOSE_OTHERS =
  'for fd in /proc/self/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null; done; exec "$@"';
const BASH = ['/bin/bash', '/usr/bin/bash'].find((p) => existsSync(p));

export function spawnTool(command: string, args: string[]): ChildProcessWithoutNullStreams {
  if (!BASH || !existsSync('/proc/self/fd')) return spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  return spawn(BASH, ['-c', CLOSE_OTHERS, command, command, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
}
