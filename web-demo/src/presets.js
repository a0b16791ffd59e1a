// The examples of the preset menu. The first two are the seed's own examples, and the KubeVirt
// set is the published manifests of tests/data, read at build time so the page and the tests
// can never disagree about them.
import seedDhcp from '../../tests/fixtures/seed-dhcp.yaml';
import seedStatic from '../../tests/fixtures/seed-static.yaml';
import vlan from './presets/vlan.yaml';
import dualStack from '../../tests/fixtures/dual-stack-dhcp-slaac.yaml';
import dualStackStatic from '../../tests/fixtures/dual-stack-static.yaml';
import bootDisk from '../../tests/fixtures/boot-disk-registry.yaml';
import plaintextPassword from '../../tests/fixtures/plaintext-password.yaml';
import brokenDhcpAddress from './presets/broken-dhcp-address.yaml';
import brokenStatic from './presets/broken-static.yaml';
import brokenTypos from './presets/broken-typos.yaml';
import brokenYaml from './presets/broken-yaml.yaml';
import brokenVmUnpinnedMac from './presets/broken-vm-unpinned-mac.yaml';
// A set as KubeVirt users write it, from the kubevirt.io blog (2020-10-21; see
// tests/data/kubevirt-manifests/README.md): the NMState policy that makes br0, the NAD on it,
// and the two VMs on the NAD.
import blogPolicy from '../../tests/data/kubevirt-manifests/nncp-blog2020-br0-eth1.yaml';
import blogNad from '../../tests/data/kubevirt-manifests/nad-blog2020-br0-100-l2-tuning.yaml';
import blogVms from '../../tests/data/kubevirt-manifests/vm-blog2020-bridge-vlan100.yaml';

/** Documents joined into one stream, as `kubectl apply -f` of several files reads them. */
export function joinDocuments(...texts) {
  return texts.map((t) => (t.endsWith('\n') ? t : `${t}\n`)).join('---\n');
}

export const PRESETS = [
  { id: 'dhcp-dual', label: 'DHCP, dual network (the seed)', text: seedDhcp },
  { id: 'static', label: 'Static address', text: seedStatic },
  { id: 'vlan', label: 'VLAN on a trunk NIC', text: vlan },
  { id: 'dual-stack', label: 'Dual stack: DHCPv4 and SLAAC', text: dualStack },
  { id: 'dual-stack-static', label: 'Dual stack: static IPv4 and IPv6', text: dualStackStatic },
  { id: 'boot-disk', label: 'Persistent boot disk, a user, SSH keys', text: bootDisk },
  { id: 'plaintext-password', label: 'A plaintext password (a Secret)', text: plaintextPassword },
  { id: 'broken-dhcp-address', label: 'Broken: DHCP with an address', text: brokenDhcpAddress },
  { id: 'broken-static', label: 'Broken: static address errors', text: brokenStatic },
  { id: 'broken-typos', label: 'Broken: typos, MAC, shared NIC', text: brokenTypos },
  { id: 'broken-yaml', label: 'Broken: YAML syntax', text: brokenYaml },
  { id: 'kubevirt-set', label: 'KubeVirt: NMState policy, NAD, two VMs', text: joinDocuments(blogPolicy, blogNad, blogVms) },
  { id: 'broken-vm-unpinned-mac', label: 'Broken: VM networkData on an unpinned MAC', text: brokenVmUnpinnedMac },
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
