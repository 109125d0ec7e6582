// Scan feedback sounds made with the Web Audio API (no audio files). Good
// and bad must differ in pitch and rhythm, not only in loudness, so a packer
// knows without looking. Where there is no audio (tests, jsdom, a webview
// without a sound device) every function quietly does nothing.

type Tone = { freq: number; start: number; dur: number; type: OscillatorType; gain: number };

let context: AudioContext | null | undefined;
let muted = false;
// Tones started and not yet ended, and the timer that suspends the context
// once the station has been quiet for a while.
let sounding = 0;
let quietTimer: ReturnType<typeof setTimeout> | undefined;
/** After this long without a sound the context stops rendering silence. */
const SUSPEND_AFTER_MS = 60_000;

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
      // A gain node stays connected to the destination after its tone has
      // ended, and when an engine lets such nodes go is up to the engine;
      // a shift makes thousands of them. Disconnected when the tone ends,
      // nothing of a beep is left in the audio graph.
      sounding++;
      osc.onended = () => {
        osc.disconnect();
        gain.disconnect();
        sounding--;
        if (sounding === 0) suspendWhenQuiet(ctx);
      };
      osc.start(start);
      osc.stop(end + 0.01);
    }
  } catch {
    // Sound is a courtesy; never let it break a scan.
  }
}

// A running context renders silence on an audio thread all shift; after a
// quiet minute it is suspended, and the next sound resumes it (play above).
function suspendWhenQuiet(ctx: AudioContext) {
  clearTimeout(quietTimer);
  quietTimer = setTimeout(() => {
    if (sounding === 0 && ctx.state === 'running') void ctx.suspend().catch(() => {});
  }, SUSPEND_AFTER_MS);
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
