// The example specs of the preset menu. The first two are the seed's own examples, read from the
// test fixtures at build time so the page and the tests can never disagree about them.
import seedDhcp from '../../tests/fixtures/seed-dhcp.yaml';
import seedStatic from '../../tests/fixtures/seed-static.yaml';
import vlan from './presets/vlan.yaml';
import brokenDhcpAddress from './presets/broken-dhcp-address.yaml';
import brokenStatic from './presets/broken-static.yaml';
import brokenTypos from './presets/broken-typos.yaml';
import brokenYaml from './presets/broken-yaml.yaml';

export const PRESETS = [
  { id: 'dhcp-dual', label: 'DHCP, dual network (the seed)', text: seedDhcp },
  { id: 'static', label: 'Static address', text: seedStatic },
  { id: 'vlan', label: 'VLAN on a trunk NIC', text: vlan },
  { id: 'broken-dhcp-address', label: 'Broken: DHCP with an address', text: brokenDhcpAddress },
  { id: 'broken-static', label: 'Broken: static address errors', text: brokenStatic },
  { id: 'broken-typos', label: 'Broken: typos, MAC, shared NIC', text: brokenTypos },
  { id: 'broken-yaml', label: 'Broken: YAML syntax', text: brokenYaml },
];

/** The policy settings the panel starts with: the policy's defaults, written out. */
export const DEFAULT_SETTINGS = `# Empty lists allow any bridge or NIC.
allowedBridges: []
allowedPhysicalInterfaces: []
allowStaticIp: true
forbidDhcpIpam: true
requirePinnedMacs: true
contextAware: false
treatAsWarnings: []
`;
