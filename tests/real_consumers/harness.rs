//! Running the real programs: the root/tool gate, child processes with bounded waits (the
//! wukong-net CLI, netplan, cloud-init, the CNI plugin), and guards that remove network
//! namespaces, processes and temp dirs even when a test fails.

use ipnet::Ipv6Net;
use serde_json::Value;
use std::ffi::OsStr;
use std::io::{Read, Write};
use std::net::Ipv6Addr;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// How long any one command may take; every call here is a local, sub-second operation.
pub const COMMAND_LIMIT: Duration = Duration::from_secs(30);

/// With CI=true a test that cannot run fails instead of skipping, so CI never passes by skipping.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// The privilege a test needs besides its tools.
#[derive(Clone, Copy, PartialEq)]
pub enum Privilege {
    None,
    Root,
    /// Root, and a kernel and container that allow network namespaces.
    NetworkNamespaces,
}

/// The gate every test passes first: true when the machine has what the test needs. Otherwise
/// it says why and returns false (the test returns), or under CI=true fails the test.
/// Tool names are looked up on PATH and in the sbin directories; `cni/<plugin>` names a CNI
/// plugin binary.
pub fn ready(test: &str, privilege: Privilege, tools: &[&str]) -> bool {
    let mut missing: Vec<String> = Vec::new();
    let absent: Vec<String> = tools
        .iter()
        .filter(|t| find_tool(t).is_none())
        .map(|t| format!("`{t}`"))
        .collect();
    if !absent.is_empty() {
        missing.push(format!(
            "{} (Debian: apt-get install netplan.io cloud-init containernetworking-plugins dnsmasq-base isc-dhcp-client iproute2)",
            absent.join(", ")
        ));
    }
    match privilege {
        Privilege::None => {}
        Privilege::Root if effective_uid() == Some(0) => {}
        Privilege::Root => missing.insert(0, "root".to_string()),
        Privilege::NetworkNamespaces => {
            if let Err(why) = netns_capable() {
                missing.insert(0, why);
            }
        }
    }
    if missing.is_empty() {
        return true;
    }
    let why = format!("{test}: needs {}", missing.join(" and "));
    assert!(
        !in_ci(),
        "{why}; CI=true, so this fails instead of skipping"
    );
    // The skip must show in the test output; not every includer allows printing.
    #[allow(clippy::print_stderr)]
    {
        eprintln!("SKIPPED {why}");
    }
    false
}

/// Root, and a kernel/container that lets us make network namespaces (checked once).
fn netns_capable() -> Result<(), String> {
    static CAPABLE: OnceLock<Result<(), String>> = OnceLock::new();
    CAPABLE
        .get_or_init(|| {
            if effective_uid() != Some(0) {
                return Err("root (network namespaces)".to_string());
            }
            let Some(ip) = find_tool("ip") else {
                return Err("`ip`".to_string());
            };
            let probe = unique("probe");
            let made = try_run(
                Command::new(&ip).args(["netns", "add", &probe]),
                None,
                COMMAND_LIMIT,
            );
            let _ = try_run(
                Command::new(&ip).args(["netns", "del", &probe]),
                None,
                COMMAND_LIMIT,
            );
            match made {
                Ok(r) if r.status.success() => Ok(()),
                Ok(r) => Err(format!(
                    "network namespaces (`ip netns add` failed: {})",
                    r.stderr.trim()
                )),
                Err(e) => Err(format!("network namespaces ({e})")),
            }
        })
        .clone()
}

fn effective_uid() -> Option<u32> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("Uid:"))?;
    line.split_whitespace().nth(2)?.parse().ok()
}

/// Where a tool lives, or None.
pub fn find_tool(name: &str) -> Option<PathBuf> {
    if let Some(plugin) = name.strip_prefix("cni/") {
        return ["/usr/lib/cni", "/opt/cni/bin"]
            .iter()
            .map(|d| Path::new(d).join(plugin))
            .find(|p| p.is_file());
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(
            ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]
                .iter()
                .map(PathBuf::from),
        )
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// A tool the gate has already checked.
pub fn tool(name: &str) -> PathBuf {
    find_tool(name).unwrap_or_else(|| panic!("`{name}` not found, yet the gate passed"))
}

/// What a finished command said.
#[derive(Debug)]
pub struct Run {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn ok(&self) -> bool {
        self.status.success()
    }
}

/// Asserts a clean exit: the given status, and no panic message.
#[track_caller]
pub fn status(o: &Run, code: i32) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "stdout: {}\nstderr: {}",
        o.stdout,
        o.stderr
    );
    assert!(!o.stderr.contains("panicked"), "{}", o.stderr);
}

/// Runs a command to completion, feeding it `stdin`, killing it after `limit`.
pub fn try_run(cmd: &mut Command, stdin: Option<&[u8]>, limit: Duration) -> Result<Run, String> {
    let what = format!("{cmd:?}");
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot start {what}: {e}"))?;
    // Feed and drain on threads so neither side can block the other on a full pipe.
    let feeder = stdin.map(|input| {
        let input = input.to_vec();
        let mut pipe = child.stdin.take();
        std::thread::spawn(move || {
            if let Some(p) = pipe.as_mut() {
                let _ = p.write_all(&input);
            }
        })
    });
    let out = drain(child.stdout.take());
    let err = drain(child.stderr.take());
    let deadline = Instant::now() + limit;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(5)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("{what} did not finish within {limit:?}"));
            }
            Err(e) => return Err(format!("waiting for {what}: {e}")),
        }
    };
    if let Some(f) = feeder {
        let _ = f.join();
    }
    Ok(Run {
        status,
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    })
}

fn drain<R: Read + Send + 'static>(pipe: Option<R>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        // Bytes, then text: output that is not UTF-8 shows up replaced instead of lost.
        let mut bytes = Vec::new();
        if let Some(mut p) = pipe {
            let _ = p.read_to_end(&mut bytes);
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// Runs a command and returns what it said; a failure to start or a timeout fails the test.
pub fn run(cmd: &mut Command, stdin: Option<&[u8]>) -> Run {
    try_run(cmd, stdin, COMMAND_LIMIT).unwrap_or_else(|e| panic!("{e}"))
}

/// How long one run of the CLI may take before it counts as hung (a hung run is killed and fails
/// the test); speed itself is measured in `cargo bench`, not here.
pub const CLI_LIMIT: Duration = Duration::from_secs(20);

/// The built `wukong-net` with `args` and `stdin` fed in: the one way the tests run the CLI.
pub fn wukong_net<S: AsRef<OsStr>>(args: impl IntoIterator<Item = S>, stdin: &[u8]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wukong-net"));
    cmd.args(args);
    try_run(&mut cmd, Some(stdin), CLI_LIMIT).unwrap_or_else(|e| panic!("{e}"))
}

/// `netplan generate` on `yaml` placed where cloud-init puts it, under `tmp/root`; what netplan
/// said and the directory of the networkd files it wrote.
pub fn netplan_generate(yaml: &str, tmp: &Path) -> (Run, PathBuf) {
    let root = tmp.join("root");
    let file = root.join("etc/netplan/50-cloud-init.yaml");
    write(&file, yaml);
    // As cloud-init writes it: netplan warns about configs others can read.
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))
        .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let said = run(
        Command::new(tool("netplan"))
            .arg("generate")
            .arg("--root-dir")
            .arg(&root),
        None,
    );
    (said, root.join("run/systemd/network"))
}

/// cloud-init's own conversion of the network-config file `input` for `distro` with `renderer`
/// (`networkd`, `sysconfig`, `eni`, `netplan`), written under `out`.
pub fn cloud_init_net_convert(input: &Path, distro: &str, renderer: &str, out: &Path) -> Run {
    run(
        Command::new(tool("cloud-init"))
            .args([
                "devel",
                "net-convert",
                "-k",
                "yaml",
                "-D",
                distro,
                "-O",
                renderer,
            ])
            .arg("-p")
            .arg(input)
            .arg("-d")
            .arg(out),
        None,
    )
}

/// `ip ARGS`, which must succeed; its stdout.
pub fn ip(args: &[&str]) -> String {
    let r = run(Command::new(tool("ip")).args(args), None);
    assert!(r.ok(), "ip {} failed: {}", args.join(" "), r.stderr.trim());
    r.stdout
}

/// `ip -j ARGS` parsed.
pub fn ip_json(args: &[&str]) -> Value {
    let mut all = vec!["-j"];
    all.extend_from_slice(args);
    let out = ip(&all);
    // `ip -j` prints nothing at all for an empty list on some versions.
    if out.trim().is_empty() {
        return Value::Array(Vec::new());
    }
    serde_json::from_str(&out)
        .unwrap_or_else(|e| panic!("ip {}: not JSON ({e}): {out}", all.join(" ")))
}

/// Polls `probe` until it yields a value; fails the test after `limit`.
pub fn wait_for<T>(what: &str, limit: Duration, mut probe: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(v) = probe() {
            return v;
        }
        assert!(
            Instant::now() < deadline,
            "gave up after {limit:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Like `wait_for`, with `state` (what the thing waited on looks like) in the failure message.
pub fn wait_for_or<T>(
    what: &str,
    limit: Duration,
    mut probe: impl FnMut() -> Option<T>,
    state: impl Fn() -> String,
) -> T {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(v) = probe() {
            return v;
        }
        assert!(
            Instant::now() < deadline,
            "gave up after {limit:?} waiting for {what}; now:\n{}",
            state()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// A name no other test, and no other run of this binary, uses at the same time.
pub fn unique(role: &str) -> String {
    format!(
        "wkrc-{}-{}-{role}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// A network namespace, deleted on drop along with its /etc overlay.
pub struct Netns {
    pub name: String,
}

impl Netns {
    pub fn new(role: &str) -> Netns {
        let ns = Netns { name: unique(role) };
        ip(&["netns", "add", &ns.name]);
        ip(&["-n", &ns.name, "link", "set", "lo", "up"]);
        ns
    }

    /// The path CNI_NETNS names.
    pub fn path(&self) -> String {
        format!("/var/run/netns/{}", self.name)
    }

    /// `ip netns exec` bind-mounts each entry of this directory over the same name in /etc,
    /// for processes in this namespace only: a namespace's own resolv.conf, dhcp/ ...
    pub fn etc(&self) -> PathBuf {
        Path::new("/etc/netns").join(&self.name)
    }

    /// A command run inside this namespace.
    pub fn exec(&self, program: &Path) -> Command {
        let mut c = Command::new(tool("ip"));
        c.args(["netns", "exec", &self.name]).arg(program);
        c
    }

    /// Sets the sysctl `key` (dotted, e.g. `net.ipv6.conf.default.accept_ra`) in this namespace,
    /// through /proc/sys as seen from inside it, and reads it back.
    pub fn sysctl(&self, key: &str, value: &str) {
        let file = Path::new("/proc/sys").join(key.replace('.', "/"));
        let mut set = self.exec(&tool("tee"));
        set.arg(&file);
        let r = run(&mut set, Some(value.as_bytes()));
        assert!(
            r.ok(),
            "{}: sysctl {key}={value}: {}",
            self.name,
            r.stderr.trim()
        );
        let mut get = self.exec(&tool("cat"));
        get.arg(&file);
        let r = run(&mut get, None);
        assert_eq!(
            r.stdout.trim(),
            value,
            "{}: sysctl {key} reads back",
            self.name
        );
    }

    /// The IPv6 addresses of `ifname` here, as `ip -j -6 addr` gives them.
    pub fn ipv6_addresses(&self, ifname: &str) -> Vec<Value> {
        ip_json(&["-n", &self.name, "-6", "addr", "show", "dev", ifname])
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|l| l["addr_info"].as_array().cloned().unwrap_or_default())
            .collect()
    }

    /// Waits until `ifname` has a usable (not tentative, not failed DAD) global IPv6 address
    /// inside `prefix` with prefix length `len`, and returns it. Fails the test after `limit`,
    /// showing `ip -6 addr` of the interface.
    pub fn wait_for_ipv6_address(
        &self,
        ifname: &str,
        prefix: Ipv6Net,
        len: u8,
        limit: Duration,
    ) -> Ipv6Addr {
        let what = format!(
            "a non-tentative {prefix} address /{len} on {ifname} in {}",
            self.name
        );
        wait_for_or(
            &what,
            limit,
            || {
                self.ipv6_addresses(ifname).iter().find_map(|a| {
                    let addr: Ipv6Addr = a["local"].as_str()?.parse().ok()?;
                    let usable = a["scope"] == "global"
                        && a["prefixlen"].as_u64() == Some(u64::from(len))
                        && a["tentative"] != true
                        && a["dadfailed"] != true;
                    (usable && prefix.contains(&addr)).then_some(addr)
                })
            },
            || ip(&["-n", &self.name, "-6", "addr", "show", "dev", ifname]),
        )
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        // Deleting the namespace destroys its links (and veth peers elsewhere).
        if let Some(ip) = find_tool("ip") {
            let _ = try_run(
                Command::new(ip).args(["netns", "del", &self.name]),
                None,
                COMMAND_LIMIT,
            );
        }
        let _ = std::fs::remove_dir_all(self.etc());
        // And /etc/netns itself once empty (remove_dir refuses otherwise).
        let _ = std::fs::remove_dir(Path::new("/etc/netns"));
    }
}

/// A long-running child (dnsmasq, dhclient) with its output in a file; killed by its own pid
/// on drop. Spawned through `ip netns exec`, which execs the program in place, so the pid is
/// the program's.
pub struct Daemon {
    child: Child,
    pub what: String,
}

impl Daemon {
    pub fn spawn(mut cmd: Command, log: &Path) -> Daemon {
        let what = format!("{cmd:?}");
        let file = std::fs::File::create(log).unwrap_or_else(|e| panic!("{}: {e}", log.display()));
        let file2 = file
            .try_clone()
            .unwrap_or_else(|e| panic!("{}: {e}", log.display()));
        let child = cmd
            .stdin(Stdio::null())
            .stdout(file)
            .stderr(file2)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {what}: {e}"));
        Daemon { child, what }
    }

    /// Some(status) once it has exited.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A private directory under the system temp dir, removed on drop.
pub struct TempDir {
    pub path: PathBuf,
}

impl TempDir {
    pub fn new(role: &str) -> TempDir {
        let path = std::env::temp_dir().join(unique(role));
        std::fs::create_dir_all(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        TempDir { path }
    }

    pub fn join(&self, p: impl AsRef<Path>) -> PathBuf {
        self.path.join(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Writes a file, creating its parent directories.
pub fn write(path: &Path, text: &str) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    }
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Runs the bridge plugin in the node namespace on the container namespace `vm`, exactly as a
/// runtime (Multus) would: config on stdin, the rest in CNI_* variables.
pub fn cni(
    node: &Netns,
    vm: &Netns,
    command: &str,
    container: &str,
    ifname: &str,
    config: &Value,
) -> Run {
    let plugin = tool("cni/bridge");
    let mut c = node.exec(&plugin);
    c.env("CNI_COMMAND", command)
        .env("CNI_CONTAINERID", container)
        .env("CNI_NETNS", vm.path())
        .env("CNI_IFNAME", ifname)
        .env(
            "CNI_PATH",
            plugin.parent().unwrap_or(Path::new("/usr/lib/cni")),
        )
        .env_remove("CNI_ARGS");
    run(&mut c, Some(config.to_string().as_bytes()))
}
