// Scan feedback sounds made with the Web Audio API (no audio files). Good
// and bad must differ in pitch and rhythm, not only in loudness, so a packer
// knows without looking. Where there is no audio (tests, jsdom, a webview
// without a sound device) every function quietly does nothing.

type Tone = { freq: number; start: number; dur: number; type: OscillatorType; gain: number };

let context: AudioContext | null | undefined;
let muted = false;

function audio(): AudioContext | null {
  if (context !== undefined) return context;
  try {
    const Ctor =
      typeof window !== 'undefined'
        ? (window.AudioContext ??
          (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext)
        : undefined;
    context = Ctor ? new Ctor() : null;
  } catch {
    context = null;
  }
  return context;
}

function play(tones: Tone[]) {
  if (muted) return;
  try {
    const ctx = audio();
    if (!ctx) return;
    // A context made before any key press starts suspended.
    if (ctx.state === 'suspended') void ctx.resume().catch(() => {});
    const t0 = ctx.currentTime + 0.01;
    for (const tone of tones) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = tone.type;
      osc.frequency.value = tone.freq;
      const start = t0 + tone.start;
      const end = start + tone.dur;
      // Short ramps avoid clicks at the edges.
      gain.gain.setValueAtTime(0, start);
      gain.gain.linearRampToValueAtTime(tone.gain, start + 0.005);
      gain.gain.setValueAtTime(tone.gain, end - 0.01);
      gain.gain.linearRampToValueAtTime(0, end);
      osc.connect(gain).connect(ctx.destination);
      osc.start(start);
      osc.stop(end + 0.01);
    }
  } catch {
    // Sound is a courtesy; never let it break a scan.
  }
}

/** Accepted scan: one short high beep. */
export function playGood() {
  play([{ freq: 1200, start: 0, dur: 0.08, type: 'sine', gain: 0.3 }]);
}

/** Refused scan: two low square buzzes. */
export function playBad() {
  play([
    { freq: 220, start: 0, dur: 0.15, type: 'square', gain: 0.18 },
    { freq: 220, start: 0.22, dur: 0.15, type: 'square', gain: 0.18 },
  ]);
}

/** Order packed or shipped: three rising tones. */
export function playDone() {
  play([
    { freq: 660, start: 0, dur: 0.1, type: 'sine', gain: 0.28 },
    { freq: 880, start: 0.11, dur: 0.1, type: 'sine', gain: 0.28 },
    { freq: 1320, start: 0.22, dur: 0.18, type: 'sine', gain: 0.28 },
  ]);
}

export function setMuted(value: boolean) {
  muted = value;
}

export type SoundKind = 'good' | 'bad' | 'done';

export function playSound(kind: SoundKind) {
  if (kind === 'good') playGood();
  else if (kind === 'bad') playBad();
  else playDone();
}
