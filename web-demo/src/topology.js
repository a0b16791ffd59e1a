// Draws each network's path as SVG, from the binding's `topology` (computed by the core, so the
// NIC names and MACs are the ones in the outputs): guest NIC -> bridge port -> node bridge ->
// physical NIC -> the DHCP server on the physical network, or the static address and gateway.
// User text only ever goes into text nodes, never into markup.

const SVG = 'http://www.w3.org/2000/svg';
const BOX_H = 64;
const MIN_W = 118;
const GAP = 18;
const PAD = 8;
const MAX_CHARS = 30;
// Approximate advance per character of each text style (see style.css), to size the boxes.
const CHAR_W = { title: 6.9, main: 7.3, sub: 6.1 };

function el(name, attrs = {}, parent) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  parent?.appendChild(node);
  return node;
}

function clip(text) {
  return text.length > MAX_CHARS ? `${text.slice(0, MAX_CHARS - 1)}…` : text;
}

/** The boxes of one network, left to right: {role, title, lines, kind}. */
export function stages(net, owner = 'Wukong') {
  const guest = { role: 'guest-nic', title: 'guest NIC', lines: [net.guestNic, net.mac], kind: 'guest' };
  if (net.kind === 'pod') {
    const binding = net.binding === 'masquerade' ? 'masquerade (NAT)' : net.binding;
    return [
      guest,
      { role: 'binding', title: 'KubeVirt binding', lines: [binding, 'virt-launcher pod'], kind: 'port' },
      { role: 'pod-network', title: 'pod network', lines: ['cluster CNI', 'DHCP by KubeVirt'], kind: 'end' },
    ];
  }
  return owner === 'Wukong' ? wukongStages(net, guest) : vmStages(net, guest);
}

function wukongStages(net, guest) {
  const port = {
    role: 'bridge-port',
    title: net.binding === 'sriov' ? 'SR-IOV VF' : 'bridge port',
    lines: [net.vlanId != null ? `VLAN ${net.vlanId}` : 'untagged', net.nad ? `NAD ${net.nad}` : 'no NAD'],
    kind: 'port',
  };
  const boxes = [guest, port];
  if (net.bridge) {
    boxes.push({
      role: 'node-bridge',
      title: 'node bridge',
      lines: [net.bridge, net.generated ? 'Linux bridge, STP off' : 'from the named NAD'],
      kind: 'node',
    });
  }
  boxes.push({
    role: 'physical-nic',
    title: 'physical NIC',
    lines: [net.physicalInterface ?? '(not named)', net.mtu != null ? `MTU ${net.mtu}` : 'on the node'],
    kind: 'node',
  });
  if (showsFamilies(net)) {
    boxes.push(familiesBox(net));
  } else if (net.mode === 'dhcp') {
    boxes.push({
      role: 'dhcp-server',
      title: 'physical network',
      lines: ['DHCP server', 'on the physical network'],
      kind: 'end',
    });
  } else if (net.mode === 'static') {
    boxes.push({
      role: 'static-address',
      title: 'static address',
      lines: [net.address ?? '(no address)', net.gateway ? `gateway ${net.gateway}` : 'no gateway'],
      kind: 'end',
    });
  } else {
    boxes.push({ role: 'no-ip', title: 'no ipConfig', lines: ['the guest leaves', 'this NIC unconfigured'], kind: 'warn' });
  }
  return boxes;
}

// A KubeVirt VM's NIC: only what the VM, the NADs and the NMState policies in the editor say
// (`kind` is the NAD's CNI plugin, or `multus` when the NAD is not in the editor).
function vmStages(net, guest) {
  const known = net.kind !== 'multus';
  const port = {
    role: 'bridge-port',
    title: net.binding === 'sriov' ? 'SR-IOV VF' : `${net.binding} binding`,
    lines: [net.vlanId != null ? `VLAN ${net.vlanId}` : known ? 'untagged' : 'VLAN unknown', `NAD ${net.nad ?? '(none)'}`],
    kind: 'port',
  };
  const boxes = [guest, port];
  if (net.bridge) {
    boxes.push({
      role: 'node-bridge',
      title: 'node bridge',
      lines: [net.bridge, net.kind === 'ovs' ? 'OVS bridge, from the NAD' : 'Linux bridge, from the NAD'],
      kind: 'node',
    });
  }
  const mtu = net.mtu != null ? `, MTU ${net.mtu}` : '';
  if (!known) {
    boxes.push({ role: 'physical-nic', title: 'node side', lines: ['NAD not in the editor', 'paste it to see more'], kind: 'node' });
  } else if (net.kind === 'bridge' || net.kind === 'ovs') {
    boxes.push({
      role: 'physical-nic',
      title: 'physical NIC',
      lines: net.physicalInterface
        ? [net.physicalInterface, `bridge port (NMState)${mtu}`]
        : ['unknown', 'no NMState policy here'],
      kind: 'node',
    });
  } else if (net.physicalInterface) {
    const how = { macvlan: 'macvlan master', ipvlan: 'ipvlan master', 'host-device': 'host device' }[net.kind] ?? net.kind;
    boxes.push({ role: 'physical-nic', title: 'physical NIC', lines: [net.physicalInterface, `${how}${mtu}`], kind: 'node' });
  } else {
    boxes.push({ role: 'physical-nic', title: 'CNI plugin', lines: [net.kind, `on the node${mtu}`], kind: 'node' });
  }
  if (showsFamilies(net)) {
    boxes.push(familiesBox(net));
  } else if (net.mode === 'dhcp') {
    boxes.push({ role: 'dhcp-server', title: 'DHCP', lines: ['networkData: DHCP', 'from a server on it'], kind: 'end' });
  } else if (net.mode === 'static') {
    boxes.push({ role: 'static-address', title: 'static address', lines: [net.address ?? '(no address)', 'from networkData'], kind: 'end' });
  } else {
    boxes.push({ role: 'no-ip', title: 'no address', lines: ['no networkData entry', 'configures this NIC'], kind: 'warn' });
  }
  return boxes;
}

// IPv6 is drawn beside IPv4 when it is configured on purpose (an `ipv6` block, a static IPv6
// address, DHCPv6 in networkData) or is the NIC's only family; a NIC left to the guest's
// IPv6 defaults keeps the one-family picture.
function showsFamilies(net) {
  if (!net.ipv6) return false;
  return net.ipv6.source !== 'guest-default' || net.ipv4?.source === 'off';
}

const SOURCE_WORDS = {
  dhcp: ['DHCP', 'DHCPv6 + RA'],
  slaac: ['SLAAC', 'SLAAC (RA)'],
  off: ['off', 'off'],
  'guest-default': ['guest default', 'guest default'],
};

/** One family's line: its static address, or where it comes from. */
export function familyLine(family, src) {
  if (!src) return `${family} unknown`;
  if (src.source === 'static') return `${family} ${src.address ?? '(no address)'}`;
  return `${family} ${SOURCE_WORDS[src.source]?.[family === 'IPv6' ? 1 : 0] ?? src.source}`;
}

/** The last box of a dual-stack or IPv6 NIC: one line per family. */
function familiesBox(net) {
  const sources = [net.ipv4, net.ipv6];
  const dynamic = sources.some((s) => s && (s.source === 'dhcp' || s.source === 'slaac'));
  const gateways = sources.map((s) => s?.gateway).filter(Boolean);
  return {
    role: dynamic ? 'dhcp-server' : 'static-address',
    title: dynamic ? 'physical network' : 'static addresses',
    lines: [familyLine('IPv4', net.ipv4), familyLine('IPv6', net.ipv6)],
    detail: gateways.length ? `gateway ${gateways.join(', ')}` : null,
    kind: 'end',
  };
}

// Which box a diagnostic about a Wukong's network field belongs to (paths like
// `spec.networks[1].ipConfig.address`); fields not listed mark the guest NIC.
const FIELD_ROLE = {
  physicalInterface: ['physical-nic'],
  mtu: ['physical-nic', 'guest-nic'],
  bridgeName: ['node-bridge'],
  type: ['node-bridge', 'bridge-port'],
  vlanId: ['bridge-port'],
  nadName: ['bridge-port'],
  macAddress: ['guest-nic'],
  ipConfig: ['dhcp-server', 'static-address', 'no-ip'],
};

// The same for a VM's NIC, by the first key after the entry the path is under: its interface
// (`...interfaces[1].bridge`), its Multus network, or its networkData entry.
const VM_FIELD_ROLE = {
  macAddress: ['guest-nic'],
  bridge: ['bridge-port'],
  sriov: ['bridge-port'],
  masquerade: ['bridge-port', 'binding'],
  multus: ['bridge-port'],
  match: ['guest-nic'],
  dhcp4: ['dhcp-server', 'static-address', 'no-ip'],
  dhcp6: ['dhcp-server', 'static-address', 'no-ip'],
  addresses: ['static-address', 'dhcp-server', 'no-ip'],
  gateway4: ['static-address', 'dhcp-server', 'no-ip'],
  gateway6: ['static-address', 'dhcp-server', 'no-ip'],
  routes: ['static-address', 'dhcp-server', 'no-ip'],
  nameservers: ['static-address', 'dhcp-server', 'no-ip'],
  mtu: ['guest-nic'],
};

/** The findings about one network (those under one of its paths): [{roles, severity, text}]. */
function findingsFor(net, owner, diagnostics) {
  const roles = owner === 'Wukong' ? FIELD_ROLE : VM_FIELD_ROLE;
  const out = [];
  for (const d of diagnostics) {
    const under = net.paths.find((p) => d.path === p || d.path.startsWith(`${p}.`) || d.path.startsWith(`${p}[`));
    if (under === undefined) continue;
    const key = /^\.?(\w+)/.exec(d.path.slice(under.length))?.[1];
    out.push({ roles: roles[key] ?? ['guest-nic'], severity: d.severity, text: `${d.severity}: ${d.message} [${d.code}]` });
  }
  return out;
}

function describe(net, owner) {
  if (net.kind === 'pod') return `${net.guestNic} · ${net.network} (pod network)`;
  const families = showsFamilies(net) ? `${familyLine('IPv4', net.ipv4)}, ${familyLine('IPv6', net.ipv6)}` : null;
  if (owner === 'Wukong') return `${net.guestNic} · ${net.network} (${net.kind}, ${families ?? net.mode ?? 'no ipConfig'})`;
  const nad = net.kind === 'multus' ? 'NAD not in the editor' : `${net.kind} NAD`;
  return `${net.guestNic} · ${net.network} (${net.binding} binding, ${nad}, ${families ?? net.mode ?? 'not in networkData'})`;
}

function drawNetwork(net, owner, findings = []) {
  const figure = document.createElement('figure');
  figure.className = 'net';
  figure.dataset.network = net.network;
  const caption = document.createElement('figcaption');
  caption.textContent = describe(net, owner);
  figure.appendChild(caption);

  const boxes = stages(net, owner).map((box) => {
    const lines = box.lines.map(clip);
    const need = Math.max(
      box.title.length * CHAR_W.title,
      ...lines.map((line, j) => line.length * (j === 0 ? CHAR_W.main : CHAR_W.sub)),
    );
    return { ...box, lines, width: Math.max(MIN_W, Math.ceil(need) + 2 * PAD) };
  });
  const width = boxes.reduce((sum, b) => sum + b.width, 0) + (boxes.length - 1) * GAP + 2;
  const svg = el('svg', {
    viewBox: `0 0 ${width} ${BOX_H + 2}`,
    width,
    height: BOX_H + 2,
    role: 'img',
    'aria-label': boxes.map((b) => `${b.title}: ${b.lines.join(' ')}`).join(' → '),
  });
  let x = 1;
  boxes.forEach((box, i) => {
    const mine = findings.filter((f) => f.roles.includes(box.role));
    const worst = mine.some((f) => f.severity === 'error') ? 'error' : mine.some((f) => f.severity === 'warning') ? 'warning' : null;
    const g = el('g', { class: `stage ${box.kind}${worst ? ` has-${worst}` : ''}`, 'data-role': box.role }, svg);
    const about = `${box.title}: ${box.lines.join(', ')}${box.detail ? `, ${box.detail}` : ''}`;
    el('title', {}, g).textContent = [about, ...mine.map((f) => f.text)].join('\n');
    el('rect', { x, y: 1, width: box.width, height: BOX_H, rx: 8 }, g);
    el('text', { x: x + PAD, y: 18, class: 'stage-title' }, g).textContent = box.title;
    box.lines.forEach((line, j) => {
      el('text', { x: x + PAD, y: 37 + j * 17, class: j === 0 ? 'stage-main' : 'stage-sub' }, g).textContent = line;
    });
    if (i > 0) {
      const y = 1 + BOX_H / 2;
      el('line', { x1: x - GAP + 2, y1: y, x2: x - 6, y2: y, class: 'link' }, svg);
      el('path', { d: `M ${x - 7} ${y - 5} L ${x - 1} ${y} L ${x - 7} ${y + 5} z`, class: 'arrow' }, svg);
    }
    x += box.width + GAP;
  });
  figure.appendChild(svg);
  return figure;
}

/**
 * Replaces the content of `container` with the pictures of every Wukong's networks and every
 * KubeVirt VM's NICs; a box that a diagnostic points at is outlined in the diagnostic's colour.
 */
export function drawTopology(container, topologies, diagnostics = []) {
  const figures = [];
  for (const t of topologies) {
    const owner = t.kind === 'Wukong' ? 'Wukong' : 'KubeVirt';
    if (topologies.length > 1 || owner !== 'Wukong') {
      const h = document.createElement('h3');
      h.textContent = owner === 'Wukong' ? `Wukong ${t.wukong || '(unnamed)'}` : t.wukong;
      figures.push(h);
    }
    // Diagnostic paths do not say which document they are in: with one picture (the usual
    // case) they are its own; with several, no box is outlined rather than the wrong one.
    const own = topologies.length === 1 ? diagnostics : [];
    if (owner === 'Wukong') figures.push(drawBootDisk(t.bootDisk, own));
    for (const net of t.networks) figures.push(drawNetwork(net, owner, findingsFor(net, owner, own)));
  }
  if (figures.length === 0) {
    const p = document.createElement('p');
    p.className = 'empty';
    p.textContent = emptyMessage(diagnostics);
    figures.push(p);
  }
  container.replaceChildren(...figures);
}

/** The disk a Wukong's VM boots from, in words: one line above its networks. */
export function bootDiskText(boot) {
  if (!boot) return 'no operating system disk: the VM boots nothing (set osImage, or a disk with boot: true and an image)';
  if (boot.source === 'containerDisk') return `boots ${boot.image} (osImage as a containerDisk, ephemeral)`;
  if (boot.source === 'blank') return `boots disk ${boot.disk}: a blank DataVolume`;
  return `boots disk ${boot.disk}: a DataVolume CDI imports from ${boot.image} (${boot.source})`;
}

function drawBootDisk(boot, diagnostics) {
  const p = document.createElement('p');
  p.dataset.testid = 'boot-disk';
  const path = boot?.path ?? 'spec';
  const mine = diagnostics.filter((d) =>
    boot ? d.path === path || d.path.startsWith(`${path}.`) : d.code === 'no-os-disk',
  );
  const worst = mine.some((d) => d.severity === 'error') ? 'error' : mine.some((d) => d.severity === 'warning') ? 'warning' : null;
  p.className = `boot-disk${boot ? '' : ' none'}${worst ? ` has-${worst}` : ''}`;
  p.textContent = bootDiskText(boot);
  if (mine.length) p.title = mine.map((d) => `${d.severity}: ${d.message} [${d.code}]`).join('\n');
  return p;
}

function emptyMessage(diagnostics) {
  if (diagnostics.some((d) => d.code === 'yaml-syntax' || d.code === 'not-utf8')) {
    return 'Nothing to draw: the text does not parse as YAML; fix the error marked in the editor.';
  }
  return 'Nothing to draw: no Wukong or KubeVirt VM (VirtualMachine, VMI, pool or replica-set template) could be read here; the findings are in the diagnostics.';
}
