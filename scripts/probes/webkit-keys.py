#!/usr/bin/python3
# A bare WebKitGTK 4.1 window (no Tauri, no Packbench) showing one small page,
# for scripts/probes/webkit-keys.sh: what WebKitGTK itself keeps per key.
# Debian's python3-gi and gir1.2-webkit2-4.1; run by /usr/bin/python3.
import sys

import gi

gi.require_version('Gtk', '3.0')
gi.require_version('WebKit2', '4.1')
from gi.repository import Gtk, WebKit2  # noqa: E402

PAGES = {
    # A text field the keys land in; Enter clears it (the packing screen's
    # order field).
    'input': """<input id=f autofocus autocomplete=off><script>
      const f = document.getElementById('f'); f.focus();
      f.addEventListener('keydown', e => { if (e.key === 'Enter') f.value = ''; });</script>""",
    # The same field; the page puts every character in itself
    # (preventDefault and setRangeText): WebKit's editor types nothing.
    'prevent': """<input id=f autofocus autocomplete=off><script>
      const f = document.getElementById('f'); f.focus();
      f.addEventListener('keydown', e => {
        if (e.key === 'Enter') { f.value = ''; return; }
        if (e.key.length === 1) { e.preventDefault(); f.setRangeText(e.key, f.selectionStart, f.selectionEnd, 'end'); }
      });</script>""",
    # As Packbench's scanner did in 0e0021b: the first key of a fast
    # run typed by WebKit, the rest put in by the page.
    'scanner': """<input id=f autofocus autocomplete=off><script>
      const f = document.getElementById('f'); f.focus(); let last = -1e9;
      f.addEventListener('keydown', e => {
        const fast = e.timeStamp - last <= 35; last = e.timeStamp;
        if (e.key === 'Enter') { f.value = ''; last = -1e9; return; }
        if (fast && e.key.length === 1) { e.preventDefault(); f.setRangeText(e.key, f.selectionStart, f.selectionEnd, 'end'); }
      });</script>""",
    # No field: the keys go to the page's body.
    'body': """<p>keys go to the body</p>""",
    # No field; every key repaints a counter.
    'paint': """<p id=n>0</p><script>let n = 0; const p = document.getElementById('n');
      addEventListener('keydown', () => { p.textContent = String(++n); });</script>""",
}

variant = sys.argv[1]
window = Gtk.Window()
window.set_default_size(800, 400)
if variant == 'gtk':
    # No web view at all: GTK and X alone.
    window.add(Gtk.Label(label='no web view'))
else:
    view = WebKit2.WebView()
    window.add(view)
    view.load_html(PAGES[variant], 'file:///')
window.connect('destroy', Gtk.main_quit)
window.show_all()
Gtk.main()
