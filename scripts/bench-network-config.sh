#!/usr/bin/env bash
# Benchmarks the network-config linter against the real readers as whole processes on the same
# files: `wukong-net check FILE` vs `netplan generate` (the file under a root's /etc/netplan)
# vs `cloud-init devel net-convert` (sysconfig and networkd renderers). For each process and
# its children: CPU time (user + system, from wait4(2) in a small python3 driver, to the
# microsecond) and peak memory (max RSS, from GNU time, /usr/bin/time of the Debian package
# `time`: a child forked by Python would carry Python's own RSS into its high-water mark).
# Medians over repeated runs, per file and as ratios to wukong-net. The target: at least 30
# times less CPU than netplan generate. Without GNU time, memory is not reported.
#
#   scripts/bench-network-config.sh [-n RUNS] [FILE...]
#
# Without FILEs it uses a two-NIC file of ours and three of netplan's examples that every
# reader accepts. Exit status 1 when the CPU target is missed.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=15
if [ "${1:-}" = "-n" ]; then
    runs=$2
    shift 2
fi
files=("$@")
if [ ${#files[@]} -eq 0 ]; then
    files=(tests/network_config/valid-static-portable.yaml tests/network_config/valid-bond-bridge-vlan.yaml)
    for f in dhcp.yaml bonding.yaml bridge_vlan.yaml; do
        files+=("tests/data/netplan-examples/$f")
    done
fi
for t in netplan cloud-init python3; do
    command -v "$t" >/dev/null || { echo "bench-network-config: needs $t (scripts/setup.sh core)" >&2; exit 2; }
done

cargo build -q --release --bin wukong-net
bin=${CARGO_TARGET_DIR:-target}/release/wukong-net

python3 - "$bin" "$runs" "${files[@]}" <<'PY'
import os, shutil, statistics, subprocess, sys, tempfile

binary, runs, files = sys.argv[1], int(sys.argv[2]), sys.argv[3:]

GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None

def cpu(argv):
    """Exit code and CPU seconds of one whole process and its children, from wait4. Spawned
    with posix_spawn (vfork-like), so the driver's own size adds next to nothing."""
    quiet = [(os.POSIX_SPAWN_OPEN, fd, os.devnull, os.O_WRONLY, 0) for fd in (1, 2)]
    pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=quiet)
    _, status, ru = os.wait4(pid, 0)
    return os.waitstatus_to_exitcode(status), ru.ru_utime + ru.ru_stime

def peak_mib(argv, work):
    """Peak RSS in MiB of the process and its children, as GNU time reports it."""
    if GNU_TIME is None:
        return None
    out = os.path.join(work, "time.out")
    subprocess.run([GNU_TIME, "-f", "%M", "-o", out, *argv], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return int(open(out).read().split()[-1]) / 1024

def netplan(path, work):
    root = os.path.join(work, "root")
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(os.path.join(root, "etc/netplan"))
    text = open(path).read()
    # netplan reads only the `network:` form; cloud-init wraps the bare one the same way.
    if not any(line.startswith("network:") for line in text.splitlines()):
        text = "network:\n" + "".join("  " + l + "\n" for l in text.splitlines())
    conf = os.path.join(root, "etc/netplan/50-cloud-init.yaml")
    open(conf, "w").write(text)
    os.chmod(conf, 0o600)
    return ["netplan", "generate", "--root-dir", root]

def cloud_init(distro, renderer):
    def argv(path, work):
        out = os.path.join(work, "out")
        shutil.rmtree(out, ignore_errors=True)
        return ["cloud-init", "devel", "net-convert", "-p", path, "-k", "yaml", "-d", out, "-D", distro, "-O", renderer]
    return argv

tools = [
    ("wukong-net check", lambda path, work: [binary, "check", path]),
    ("netplan generate", netplan),
    ("cloud-init net-convert sysconfig", cloud_init("rhel", "sysconfig")),
    ("cloud-init net-convert networkd", cloud_init("debian", "networkd")),
]

def mib(v):
    return "n/a" if v is None else f"{v:.1f}"

def median(values):
    return None if None in values else statistics.median(values)

work = tempfile.mkdtemp(prefix="bench-netcfg-")
results = {name: {"cpu": [], "rss": []} for name, _ in tools}
try:
    print(f"{runs} runs of each tool on each of {len(files)} files (medians)\n")
    print(f"{'file':34} {'tool':34} {'CPU ms':>8} {'peak MiB':>9}")
    for path in files:
        per_file = {}
        for name, make in tools:
            cpus, rss = [], []
            for _ in range(runs):
                # Set-up (files, directories) is outside the measured process.
                code, c = cpu(make(path, work))
                if name == "wukong-net check" and code not in (0, 1):
                    sys.exit(f"wukong-net check {path}: exit status {code}")
                if name != "wukong-net check" and code != 0:
                    sys.exit(f"{name} refuses {path}; benchmark files every reader accepts")
                cpus.append(c)
                rss.append(peak_mib(make(path, work), work))
            per_file[name] = (statistics.median(cpus), median(rss))
            results[name]["cpu"].append(per_file[name][0])
            results[name]["rss"].append(per_file[name][1])
            print(f"{os.path.basename(path):34} {name:34} {per_file[name][0]*1000:8.2f} {mib(per_file[name][1]):>9}")
finally:
    shutil.rmtree(work, ignore_errors=True)

base_cpu = statistics.median(results["wukong-net check"]["cpu"])
base_rss = median(results["wukong-net check"]["rss"])
print("\nMedians over all files, and how many times more than wukong-net check:\n")
print("| process | CPU (ms) | peak RSS (MiB) | CPU vs wukong-net | memory vs wukong-net |")
print("|---|---:|---:|---:|---:|")
for name, _ in tools:
    c = statistics.median(results[name]["cpu"])
    r = median(results[name]["rss"])
    rel = "n/a" if r is None else f"{r / base_rss:.1f}x"
    print(f"| `{name}` | {c*1000:.2f} | {mib(r)} | {c/base_cpu:.0f}x | {rel} |")
if base_rss is None:
    print("\npeak memory: not measured (needs GNU time: apt-get install time)")
floor = statistics.median(cpu(["true"])[1] for _ in range(runs))
print(f"\nprocess start-up floor (`true`, spawned the same way): {floor*1000:.2f} ms CPU, included in every figure")
ratio = statistics.median(results["netplan generate"]["cpu"]) / base_cpu
verdict = "met" if ratio >= 30 else "MISSED"
print(f"\ntarget: at least 30x less CPU than netplan generate: {ratio:.0f}x, {verdict}")
sys.exit(0 if ratio >= 30 else 1)
PY
