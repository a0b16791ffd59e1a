// The previewer: a CodeMirror editor on the left, everything wukong-net derives from it on the
// right, recomputed synchronously on every keystroke by the wasm core (render and admit). The
// core's fixes are offered in the editor's lint tooltip and the diagnostics list; each applies
// as one transaction, so one undo takes it back.
import { EditorView, basicSetup } from 'codemirror';
import { Compartment, EditorState } from '@codemirror/state';
import { isolateHistory } from '@codemirror/commands';
import { yaml } from '@codemirror/lang-yaml';
import { lintGutter, setDiagnostics } from '@codemirror/lint';
import { oneDark } from '@codemirror/theme-one-dark';
import { init, render, admit, fix, version } from 'wukong-net';
import { PRESETS, DEFAULT_SETTINGS } from './presets.js';
import { drawTopology } from './topology.js';
import { encodeState, decodeState } from './share.js';

const $ = (id) => document.getElementById(id);
// `none`: what an empty output means (an output is empty only when nothing needs it).
const OUTPUTS = {
  networkdata: { field: 'networkData', file: 'network-data.yaml', none: 'No network-config: no network here needs one.' },
  userdata: { field: 'userData', file: 'user-data.yaml', none: 'No userData.' },
  nad: { field: 'networkAttachmentDefinitions', file: 'network-attachment-definitions.yaml', none: 'No NetworkAttachmentDefinition: no network here needs one.' },
  vm: { field: 'virtualMachine', file: 'virtual-machine.yaml', none: 'No VirtualMachine.' },
  nncp: { field: 'nodeNetworkConfigurationPolicies', file: 'node-network-configuration-policies.yaml', none: 'No NodeNetworkConfigurationPolicy: no network here needs one.' },
  secret: {
    field: 'secret',
    file: 'secret.yaml',
    none: 'No Secret: the userData is inline in the VM.\n# A plaintext cloudInitUser.password (or userData over 2048 bytes) goes into a Secret.',
  },
};

// Figures the benchmark (bench.mjs) reads: time to the first preview, and per key press the
// time from the key event to the updated preview.
const stats = { firstPreviewMs: null, renders: 0, updateMs: [], keyToPreviewMs: [] };
window.wukongPreview = stats;

let ready = false;
let pendingKeyAt = null;
let view;
const texts = {}; // the YAML of each output, for copy and download
const shown = {}; // what the diagnostics list, topology and verdict show now, to skip no-op redraws
let diagnosedText = null; // the text the shown diagnostics (and their fixes' offsets) are about
const themeCompartment = new Compartment();

// ---- theme: follows the system until the user picks one -------------------------------------

const systemDark = window.matchMedia('(prefers-color-scheme: dark)');
function storedTheme(value) {
  // Storage can be unavailable (privacy modes, file://); the choice then lasts for the page.
  try {
    if (value) localStorage.setItem('wukong-theme', value);
    return localStorage.getItem('wukong-theme');
  } catch {
    return value ?? document.documentElement.dataset.chosenTheme ?? null;
  }
}
function currentTheme() {
  return storedTheme() ?? (systemDark.matches ? 'dark' : 'light');
}
function applyTheme() {
  const theme = currentTheme();
  document.documentElement.dataset.theme = theme;
  $('theme').textContent = theme === 'dark' ? 'Light' : 'Dark';
  $('theme').setAttribute('aria-label', `Switch to ${theme === 'dark' ? 'light' : 'dark'} mode`);
  view?.dispatch({ effects: themeCompartment.reconfigure(theme === 'dark' ? oneDark : []) });
}
systemDark.addEventListener('change', applyTheme);
$('theme').addEventListener('click', () => {
  document.documentElement.dataset.chosenTheme = currentTheme() === 'dark' ? 'light' : 'dark';
  storedTheme(document.documentElement.dataset.chosenTheme);
  applyTheme();
});
applyTheme(); // before anything is drawn, so a dark system never sees a light flash

// ---- outputs ---------------------------------------------------------------------------------

function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function showOutputs(result) {
  const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
  // Every Wukong that was read has a picture, also while it has errors; KubeVirt VMs have
  // theirs too, but nothing is generated from them.
  const wukongs = result.topology.filter((t) => t.kind === 'Wukong').length;
  const unparsable = result.diagnostics.some((d) => d.code === 'yaml-syntax' || d.code === 'not-utf8');
  for (const [key, out] of Object.entries(OUTPUTS)) {
    let text;
    if (result.hasErrors && (wukongs > 0 || unparsable)) {
      text = `# Nothing rendered: ${plural(errors, 'error')} (see Diagnostics).\n`;
    } else if (result.hasErrors) {
      text = `# No Wukong in the editor, or none that reads (${plural(errors, 'error')}, see Diagnostics):\n# the outputs are generated from a Wukong.\n`;
    } else if (result.manifests.length === 0) {
      text = '# No Wukong in the editor: the outputs are generated from a Wukong.\n# Everything else in it is checked: see Diagnostics and Topology.\n';
    } else {
      text = result.yaml[out.field];
      if (!text) text = `# ${out.none}\n`;
    }
    // Only what changed touches the DOM: most keystrokes change one output or none.
    if (texts[key] === text) continue;
    texts[key] = text;
    document.querySelector(`[data-testid="output-${key}"]`).textContent = text;
  }
}

function showDiagnostics(diagnostics) {
  const list = $('diagnostics');
  const items = diagnostics.map((d) => {
    const li = document.createElement('li');
    li.className = `diag ${d.severity}`;
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'goto';
    button.dataset.from = String(d.from);
    button.title = 'Show in the editor';
    const sev = document.createElement('span');
    sev.className = 'sev';
    sev.textContent = d.severity;
    const loc = document.createElement('span');
    loc.className = 'loc';
    loc.textContent = d.line ? `${d.line}:${d.column}` : '—';
    const code = document.createElement('code');
    code.textContent = d.code;
    const msg = document.createElement('span');
    msg.className = 'msg';
    msg.textContent = d.message;
    button.append(sev, loc, code, msg);
    if (d.hint) {
      const hint = document.createElement('span');
      hint.className = 'hint-text';
      hint.textContent = `hint: ${d.hint}`;
      button.append(hint);
    }
    button.addEventListener('click', () => goTo(d.from));
    li.appendChild(button);
    const fixes = applicable(d);
    if (fixes.length > 0) {
      const actions = document.createElement('div');
      actions.className = 'fixes';
      for (const f of fixes) {
        const b = document.createElement('button');
        b.type = 'button';
        b.className = f.safe ? 'fix safe' : 'fix unsafe';
        b.dataset.testid = 'fix';
        b.title = f.safe ? 'Apply this fix (Ctrl+Z undoes it)' : 'Not safe without review: one of several repairs, or a change of behaviour. Ctrl+Z undoes it';
        b.textContent = f.title;
        if (!f.safe) {
          const mark = document.createElement('span');
          mark.className = 'unsafe-mark';
          mark.textContent = 'unsafe';
          b.append(' ', mark);
        }
        b.addEventListener('click', () => applyFix(f));
        actions.appendChild(b);
      }
      li.appendChild(actions);
    }
    return li;
  });
  list.replaceChildren(...items);
  const safe = diagnostics.filter((d) => applicable(d).some((f) => f.safe)).length;
  $('fix-all').hidden = safe === 0;
  $('fix-all').title = `Apply the safe fixes (${plural(safe, 'finding')} ${safe === 1 ? 'has' : 'have'} one); Ctrl+Z undoes them`;
  const count = (s) => diagnostics.filter((d) => d.severity === s).length;
  $('diag-summary').textContent = diagnostics.length
    ? `${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}, ${count('info')} info`
    : 'none';
}

function goTo(from) {
  const pos = Math.min(from, view.state.doc.length);
  view.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
  view.focus();
}

function editorDiagnostics(diagnostics, length) {
  return diagnostics.map((d) => ({
    from: Math.min(d.from, length),
    to: Math.min(d.to, length),
    severity: d.severity,
    source: d.code,
    message: d.hint ? `${d.message}\nhint: ${d.hint}` : d.message,
    // CodeMirror shows these as buttons in the tooltip; the fix's own edits say what changes.
    actions: applicable(d).map((f) => ({
      name: f.safe ? f.title : `${f.title} (unsafe)`,
      apply: () => applyFix(f),
    })),
  }));
}

// ---- fixes -----------------------------------------------------------------------------------

/** The fixes of a diagnostic an editor can apply: those with text edits. */
function applicable(d) {
  return (d.fixes ?? []).filter((f) => f.edits.length > 0);
}

/**
 * Applies one fix's edits (UTF-16 offsets into the text it was computed for) as one
 * transaction, kept apart in the history so one Ctrl+Z takes exactly it back.
 */
function applyFix(f) {
  // Diagnostics are recomputed on every change, so this holds unless a stale button is used.
  if (view.state.doc.toString() !== diagnosedText) return;
  view.dispatch({
    changes: f.edits.map((e) => ({ from: e.from, to: e.to, insert: e.replacement })),
    userEvent: 'input.fix',
    annotations: isolateHistory.of('full'),
  });
  view.focus();
}

/**
 * Applies every safe fix the core can (`fix`, one at a time with re-checks in between) as one
 * transaction replacing only the span from the first to the last changed character.
 */
function fixAll() {
  const text = view.state.doc.toString();
  const fixed = fix(text, { unsafe: false }).text;
  if (fixed === text) return;
  let start = 0;
  while (start < text.length && start < fixed.length && text[start] === fixed[start]) start += 1;
  let end = 0;
  while (end < text.length - start && end < fixed.length - start && text[text.length - 1 - end] === fixed[fixed.length - 1 - end]) end += 1;
  view.dispatch({
    changes: { from: start, to: text.length - end, insert: fixed.slice(start, fixed.length - end) },
    userEvent: 'input.fix',
    annotations: isolateHistory.of('full'),
  });
  view.focus();
}
$('fix-all').addEventListener('click', fixAll);

// ---- policy ----------------------------------------------------------------------------------

function showVerdict(result) {
  const box = $('policy-verdict');
  const parts = [];
  const line = (cls, text) => {
    const p = document.createElement('p');
    p.className = cls;
    p.textContent = text;
    parts.push(p);
  };
  if (result.settingsError) {
    box.dataset.verdict = 'invalid-settings';
    line('verdict-head invalid', 'Invalid settings: the policy server would not load the policy');
    line('verdict-message', result.settingsError);
  } else if (result.objects.length === 0) {
    box.dataset.verdict = 'none';
    line('verdict-head', 'Nothing to admit: the policy is asked about Wukongs, NADs, VirtualMachines and VMIs');
  } else {
    // A VM pasted with its NADs: each object is its own admission request.
    const several = result.objects.length > 1;
    box.dataset.verdict = result.objects.every((o) => o.verdict.accepted) ? 'accepted' : 'rejected';
    for (const { object, verdict: v } of result.objects) {
      const head = v.accepted ? 'Accepted' : `Rejected (HTTP ${v.code})`;
      line(`verdict-head ${v.accepted ? 'accepted' : 'rejected'}`, several ? `${object}: ${head}` : head);
      if (v.message) line('verdict-message', v.message);
      for (const w of v.warnings ?? []) line('verdict-warning', `warning: ${w}`);
    }
  }
  box.replaceChildren(...parts);
}

function updatePolicy() {
  if (!ready) return;
  const result = admit(view.state.doc.toString(), $('settings').value);
  const key = JSON.stringify([result.objects.map((o) => [o.object, o.verdict]), result.settingsError]);
  if (key === shown.verdict) return;
  shown.verdict = key;
  showVerdict(result);
}
$('settings').addEventListener('input', updatePolicy);

// ---- the update on every change --------------------------------------------------------------

function update() {
  if (!ready) return;
  const t0 = performance.now();
  const text = view.state.doc.toString();
  const result = render(text, { yaml: true });
  diagnosedText = text;
  $('preset').value = PRESETS.find((p) => p.text === text)?.id ?? '';
  showOutputs(result);
  const diagnosticsKey = JSON.stringify(result.diagnostics);
  if (diagnosticsKey !== shown.diagnostics) {
    shown.diagnostics = diagnosticsKey;
    showDiagnostics(result.diagnostics);
  }
  const topologyKey = JSON.stringify([result.topology, result.diagnostics.map((d) => [d.path, d.severity, d.code])]);
  if (topologyKey !== shown.topology) {
    shown.topology = topologyKey;
    drawTopology($('topology'), result.topology, result.diagnostics);
  }
  // Markers are replaced on every change (CodeMirror maps old ones through edits, but only the
  // core knows the new ones); with none before and none now there is nothing to replace.
  if (result.diagnostics.length > 0 || shown.markers > 0) {
    view.dispatch(setDiagnostics(view.state, editorDiagnostics(result.diagnostics, view.state.doc.length)));
    shown.markers = result.diagnostics.length;
  }
  updatePolicy();
  const now = performance.now();
  stats.renders += 1;
  stats.updateMs.push(now - t0);
  if (pendingKeyAt !== null) {
    stats.keyToPreviewMs.push(now - pendingKeyAt);
    pendingKeyAt = null;
  }
}

function setText(text) {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
}

// ---- presets, tabs, copy, download, share ----------------------------------------------------

for (const p of PRESETS) {
  const option = document.createElement('option');
  option.value = p.id;
  option.textContent = p.label;
  $('preset').appendChild(option);
}
// Shown when the editor holds none of the presets.
const edited = document.createElement('option');
edited.value = '';
edited.textContent = 'Your edits';
edited.hidden = true;
$('preset').appendChild(edited);
$('preset').addEventListener('change', () => {
  const preset = PRESETS.find((p) => p.id === $('preset').value);
  if (preset) setText(preset.text);
});

function selectTab(tab) {
  for (const b of document.querySelectorAll('[role="tab"]')) {
    b.setAttribute('aria-selected', String(b.dataset.tab === tab));
  }
  for (const panel of document.querySelectorAll('[data-panel]')) panel.hidden = panel.dataset.panel !== tab;
}
for (const b of document.querySelectorAll('[role="tab"]')) b.addEventListener('click', () => selectTab(b.dataset.tab));
function currentTab() {
  return document.querySelector('[role="tab"][aria-selected="true"]')?.dataset.tab ?? 'networkdata';
}

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // No clipboard permission (plain http, some browsers): the old way.
    const area = document.createElement('textarea');
    area.value = text;
    document.body.appendChild(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
}

function flash(button, text) {
  const old = button.textContent;
  button.textContent = text;
  setTimeout(() => (button.textContent = old), 1200);
}

for (const b of document.querySelectorAll('[data-copy]')) {
  b.addEventListener('click', async () => {
    await copyText(texts[b.dataset.copy] ?? '');
    flash(b, 'Copied');
  });
}
for (const b of document.querySelectorAll('[data-download]')) {
  b.addEventListener('click', () => {
    const key = b.dataset.download;
    const url = URL.createObjectURL(new Blob([texts[key] ?? ''], { type: 'application/yaml' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = OUTPUTS[key].file;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  });
}

$('share').addEventListener('click', async () => {
  const hash = await encodeState({ text: view.state.doc.toString(), settings: $('settings').value, tab: currentTab() });
  history.replaceState(null, '', hash);
  const field = $('share-url');
  field.value = location.href;
  field.hidden = false;
  field.select();
  await copyText(location.href);
  flash($('share'), 'Link copied');
});

function restore(state) {
  setText(state.text);
  if (typeof state.settings === 'string') $('settings').value = state.settings;
  if (state.tab in OUTPUTS) selectTab(state.tab);
}

window.addEventListener('hashchange', async () => {
  const state = await decodeState(location.hash);
  if (state) restore(state);
});

// ---- start -----------------------------------------------------------------------------------

async function start() {
  // index.html has been compiling the module since the page started loading.
  const loading = init(window.wukongWasm ?? new URL('./wukong_net_wasm_bg.wasm', import.meta.url));
  const shared = await decodeState(location.hash);
  $('settings').value = DEFAULT_SETTINGS;
  view = new EditorView({
    parent: $('editor'),
    state: EditorState.create({
      doc: PRESETS[0].text,
      extensions: [basicSetup, yaml(), lintGutter(), themeCompartment.of([]), EditorView.lineWrapping],
    }),
    dispatchTransactions(transactions, v) {
      v.update(transactions);
      if (transactions.some((t) => t.docChanged)) update();
    },
  });
  view.contentDOM.addEventListener('keydown', (e) => (pendingKeyAt = e.timeStamp), true);
  view.contentDOM.setAttribute('aria-label', 'Manifests (YAML)');
  applyTheme();
  if (shared) restore(shared);
  try {
    await loading;
  } catch (error) {
    $('diagnostics').textContent = `Could not load the wukong-net WebAssembly module: ${error.message}`;
    throw error;
  }
  ready = true;
  $('version').textContent = `v${version()}`;
  update();
  stats.firstPreviewMs = performance.now();
  performance.mark('first-preview');
}

start();
