#!/usr/bin/python3
# A bare WebKitGTK 4.1 window (no Tauri, no Packbench) whose page plays
# ROUNDS rounds of N short beeps, 60 ms apart, each beside a small DOM
# change (a line replaced, a banner's text), and prints the anonymous memory
# (smaps_rollup) of the window's process and its WebKit children after each
# round (BENCHMARKS.md, "What the web process does not keep"). Variants:
#   osc    an OscillatorNode and a GainNode per beep, disconnected when it
#          ends (Packbench's ui/src/lib/sound.ts)
#   buf    an AudioBufferSourceNode per beep on one prepared buffer
#   one    one oscillator for the page's life, each beep a gain envelope
#   media  one <audio> element with a WAV blob, played again
#   none   the DOM changes alone
#   anim   the replaced line carries a 0.9 s CSS animation (no sound)
# Run on an X display with WEBKIT_DISABLE_COMPOSITING_MODE=1:
#   DISPLAY=:99 WEBKIT_DISABLE_COMPOSITING_MODE=1 scripts/probes/webkit-sound.py osc 2000 3
import sys, os
import gi
gi.require_version('Gtk', '3.0')
gi.require_version('WebKit2', '4.1')
from gi.repository import Gtk, WebKit2, GLib
variant, N, ROUNDS = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def rollup(pid):
    t = {}
    for line in open(f'/proc/{pid}/smaps_rollup'):
        k, *v = line.split()
        if k in ('Pss_Anon:', 'Pss:'): t[k[:-1]] = int(v[0]) / 1024
    return t
def kids():
    me = os.getpid(); out = []
    for p in os.listdir('/proc'):
        if not p.isdigit(): continue
        try:
            st = open(f'/proc/{p}/stat').read()
            if int(st.rsplit(')', 1)[1].split()[1]) == me: out.append((st.split('(')[1].split(')')[0], int(p)))
        except OSError: pass
    return out
def report(tag):
    parts = [f"{tag}: app anon {rollup(os.getpid())['Pss_Anon']:.1f}"]
    for n, p in kids():
        r = rollup(p); parts.append(f"{n[:10]} anon {r['Pss_Anon']:.1f}")
    print(' | '.join(parts), flush=True)
ucm = WebKit2.UserContentManager()
def on_msg(m, res):
    v = res.get_js_value().to_string()
    report(v)
    if v == 'end': GLib.timeout_add(300, Gtk.main_quit)
ucm.register_script_message_handler('p'); ucm.connect('script-message-received::p', on_msg)
PAGE = """<style>
.line { padding: 8px; font: 20px sans-serif; }
.flash { animation: flash 0.9s ease-out; }
@keyframes flash { from { background: #8f8; } to { background: transparent; } }
.bar { height: 10px; background: #48f; transition: width 0.2s; }
</style><div id=list></div><div class=bar id=bar style="width:0"></div><p id=banner></p><script>
const N=%d, R=%d, V='%s';
const list = document.getElementById('list');
for (let i = 0; i < 4; i++) { const d = document.createElement('div'); d.className='line'; d.textContent='Line '+i; list.appendChild(d); }
let ctx = null;
function beep() {
  if (!ctx) ctx = new AudioContext();
  const t0 = ctx.currentTime + 0.01;
  const osc = ctx.createOscillator(); const gain = ctx.createGain();
  osc.type = 'sine'; osc.frequency.value = 1200;
  const start = t0, end = start + 0.08;
  gain.gain.setValueAtTime(0, start); gain.gain.linearRampToValueAtTime(0.3, start + 0.005);
  gain.gain.setValueAtTime(0.3, end - 0.01); gain.gain.linearRampToValueAtTime(0, end);
  osc.connect(gain).connect(ctx.destination);
  osc.onended = () => { osc.disconnect(); gain.disconnect(); };
  osc.start(start); osc.stop(end + 0.01);
}
let buf = null;
function beepBuf() {
  if (!ctx) ctx = new AudioContext();
  if (!buf) {
    const rate = ctx.sampleRate, n = Math.round(rate * 0.09);
    buf = ctx.createBuffer(1, n, rate); const d = buf.getChannelData(0);
    for (let i = 0; i < n; i++) { const t = i / rate; const env = Math.min(1, t / 0.005, (0.08 - t) / 0.01); d[i] = Math.max(0, env) * 0.3 * Math.sin(2 * Math.PI * 1200 * t); }
  }
  const src = ctx.createBufferSource(); src.buffer = buf; src.connect(ctx.destination);
  src.onended = () => src.disconnect();
  src.start(ctx.currentTime + 0.01);
}
let osc1 = null, gain1 = null;
function beepOne() {
  if (!ctx) ctx = new AudioContext();
  if (!osc1) { osc1 = ctx.createOscillator(); gain1 = ctx.createGain(); gain1.gain.value = 0; osc1.frequency.value = 1200; osc1.connect(gain1).connect(ctx.destination); osc1.start(); }
  const start = ctx.currentTime + 0.01, end = start + 0.08;
  gain1.gain.cancelScheduledValues(0);
  gain1.gain.setValueAtTime(0, start); gain1.gain.linearRampToValueAtTime(0.3, start + 0.005);
  gain1.gain.setValueAtTime(0.3, end - 0.01); gain1.gain.linearRampToValueAtTime(0, end);
}
let media = null;
function beepMedia() {
  if (!media) {
    const rate = 22050, n = Math.round(rate * 0.09), b = new ArrayBuffer(44 + n * 2), v = new DataView(b);
    const w = (o, s) => { for (let i = 0; i < s.length; i++) v.setUint8(o + i, s.charCodeAt(i)); };
    w(0, 'RIFF'); v.setUint32(4, 36 + n * 2, true); w(8, 'WAVEfmt '); v.setUint32(16, 16, true); v.setUint16(20, 1, true); v.setUint16(22, 1, true);
    v.setUint32(24, rate, true); v.setUint32(28, rate * 2, true); v.setUint16(32, 2, true); v.setUint16(34, 16, true); w(36, 'data'); v.setUint32(40, n * 2, true);
    for (let i = 0; i < n; i++) { const t = i / rate; const env = Math.max(0, Math.min(1, t / 0.005, (0.08 - t) / 0.01)); v.setInt16(44 + i * 2, Math.round(env * 0.3 * 32767 * Math.sin(2 * Math.PI * 1200 * t)), true); }
    media = new Audio(URL.createObjectURL(new Blob([b], { type: 'audio/wav' })));
  }
  media.currentTime = 0; void media.play().catch(() => {});
}
const post = (m) => window.webkit.messageHandlers.p.postMessage(m);
(async () => {
  await new Promise(r => setTimeout(r, 1500)); post('round0');
  for (let k = 1; k <= R; k++) {
    for (let i = 0; i < N; i++) {
      const idx = i %% 4; const old = list.children[idx];
      const d = document.createElement('div'); d.className = V === 'anim' ? 'line flash' : 'line'; d.textContent = 'Line ' + idx + ' packed ' + i;
      list.replaceChild(d, old);
      if (V === 'osc') beep(); else if (V === 'buf') beepBuf(); else if (V === 'one') beepOne(); else if (V === 'media') beepMedia();
      document.getElementById('banner').textContent = 'Scan ' + i + ' accepted';
      await new Promise(r => setTimeout(r, 60));
    }
    await new Promise(r => setTimeout(r, 3000)); post('round' + k);
  }
  post('end');
})();
</script>""" % (N, ROUNDS, variant)
w = Gtk.Window(); w.set_default_size(800, 400)
v = WebKit2.WebView(user_content_manager=ucm); w.add(v); v.load_html(PAGE, 'file:///')
w.connect('destroy', Gtk.main_quit); w.show_all(); Gtk.main()
