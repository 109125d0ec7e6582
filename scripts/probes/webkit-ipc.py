#!/usr/bin/python3
# A bare WebKitGTK 4.1 window (no Tauri, no Packbench) whose page makes
# ROUNDS rounds of N calls the way Tauri's IPC does, and prints the
# anonymous memory (smaps_rollup) of the window's process and its WebKit
# children after each round (BENCHMARKS.md, "What the web process does not
# keep" and "What the packing screen, the JIT and the events do not
# keep"). Variants:
#   fetch  a POST to a custom scheme (ipc://localhost/...) the window answers
#          with JSON of ROWS rows (env, default 12), as Tauri 2 does on Linux
#   post   a script message answered by evaluating a script (Tauri's fallback
#          IPC, and how Tauri delivers every event): each script differs
#   same   the same, every answer one identical script (the page takes the
#          oldest waiting call)
#   none   the loop alone
# With GARBAGE=N (env) the page also makes N small objects per call, as
# a busy page does, so its collector runs often.
# Run on an X display with WEBKIT_DISABLE_COMPOSITING_MODE=1, as Packbench
# runs WebKit:
#   DISPLAY=:99 WEBKIT_DISABLE_COMPOSITING_MODE=1 scripts/probes/webkit-ipc.py fetch 5000 4
import sys, os, json
import gi
gi.require_version('Gtk', '3.0')
gi.require_version('WebKit2', '4.1')
from gi.repository import Gtk, WebKit2, Gio, GLib, Soup

variant, N, ROUNDS = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
ROWS = int(os.environ.get("ROWS", "12"))
GARBAGE = int(os.environ.get("GARBAGE", "0"))
REPLY = json.dumps({"rows": [{"id": i, "name": "товар %d" % i, "sku": "SKU-%05d" % i} for i in range(ROWS)]}).encode()

def anon(pid):
    tot = {}
    try:
        for line in open(f'/proc/{pid}/smaps_rollup'):
            k, *v = line.split()
            if k in ('Pss_Anon:', 'Pss_Shmem:', 'Pss:'): tot[k[:-1]] = int(v[0])
    except OSError: return None
    return tot
def children():
    me = os.getpid(); out = []
    for p in os.listdir('/proc'):
        if not p.isdigit(): continue
        try:
            st = open(f'/proc/{p}/stat').read()
            ppid = int(st.rsplit(')', 1)[1].split()[1])
            name = st.split('(')[1].split(')')[0]
        except OSError: continue
        if ppid == me: out.append((name, int(p)))
    return out
def report(tag):
    parts = [f"{tag}: app anon {anon(os.getpid())['Pss_Anon']/1024:.1f}"]
    for name, pid in children():
        a = anon(pid)
        if a: parts.append(f"{name} anon {a['Pss_Anon']/1024:.1f} pss {a['Pss']/1024:.1f}")
    print(' | '.join(parts), flush=True)

ctx = WebKit2.WebContext.get_default()
ucm = WebKit2.UserContentManager()
view = None
def on_scheme(req):
    stream = Gio.MemoryInputStream.new_from_bytes(GLib.Bytes.new(REPLY))
    resp = WebKit2.URISchemeResponse.new(stream, len(REPLY))
    resp.set_content_type('application/json')
    h = Soup.MessageHeaders.new(Soup.MessageHeadersType.RESPONSE)
    h.append('Access-Control-Allow-Origin', '*')
    h.append('Tauri-Response', 'ok')
    resp.set_http_headers(h)
    req.finish_with_response(resp)
ctx.register_uri_scheme('ipc', on_scheme)
ctx.get_security_manager().register_uri_scheme_as_cors_enabled('ipc')
def on_msg(m, res):
    v = res.get_js_value().to_string() if hasattr(res, 'get_js_value') else ''
    if v.startswith('round'):
        report(v); return
    # postMessage IPC: answer by evaluating a script, as Tauri does
    script = f"window.__cbNext({REPLY.decode()})" if variant == 'same' else f"window.__cb({v}, {REPLY.decode()})"
    view.evaluate_javascript(script, -1, None, None, None, None, None)
ucm.register_script_message_handler('ipc')
ucm.connect('script-message-received::ipc', on_msg)

PAGE = """<p id=n>0</p><script>
const N = %d, ROUNDS = %d, V = '%s', GARBAGE = %d;
let junk = null;
let pending = new Map(), next = 1;
window.__cb = (id, data) => { const r = pending.get(id); pending.delete(id); r(data); };
window.__cbNext = (data) => { const [id, r] = pending.entries().next().value; pending.delete(id); r(data); };
function call(i) {
  if (GARBAGE) junk = Array.from({length: GARBAGE}, (_, k) => ({k, s: 'x' + k}));
  if (V === 'fetch') return fetch('ipc://localhost/print_jobs', {method:'POST', body: JSON.stringify({limit: 30, i}), headers: {'Content-Type':'application/json','Tauri-Callback':'1','Tauri-Error':'2'}}).then(r => r.json());
  if (V === 'post' || V === 'same') return new Promise(res => { const id = next++; pending.set(id, res); window.webkit.messageHandlers.ipc.postMessage(String(id)); });
  return Promise.resolve({});
}
(async () => {
  await new Promise(r => setTimeout(r, 1500));
  window.webkit.messageHandlers.ipc.postMessage('round0');
  for (let k = 1; k <= ROUNDS; k++) {
    for (let i = 0; i < N; i++) { const d = await call(i); if (i %% 50 === 0) document.getElementById('n').textContent = k + ':' + i + ':' + (d.rows ? d.rows.length : 0); }
    await new Promise(r => setTimeout(r, 3000));
    window.webkit.messageHandlers.ipc.postMessage('round' + k);
  }
  window.webkit.messageHandlers.ipc.postMessage('round-end');
})();
</script>""" % (N, ROUNDS, variant, GARBAGE)

window = Gtk.Window(); window.set_default_size(600, 300)
view = WebKit2.WebView(user_content_manager=ucm)
window.add(view)
view.load_html(PAGE, 'tauri://localhost/')
def on_end(*a): pass
window.connect('destroy', Gtk.main_quit)
window.show_all()
def quit_on_end(m, res):
    if res.get_js_value().to_string() == 'round-end': GLib.timeout_add(500, Gtk.main_quit)
ucm.connect('script-message-received::ipc', quit_on_end)
Gtk.main()
