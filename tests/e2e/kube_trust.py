#!/usr/bin/python3
"""Runs one Pod manifest through containerd's CRI the way kubelet would ask
for it, and holds hardrun's audit records to hardrun's prediction.

Usage:
  kube_trust.py --cri "CLIENT ARGS" --handler H --kubelet-dir D --log-dir D
                --cgroup-parent CG --audit FILE --prediction FILE MANIFEST

The prediction is "hardrun explain --kubernetes --json MANIFEST". What it
checks:
  - a pod predicted "refused" fails to start, with hardrun's refusal;
  - otherwise the pod and each container run, and the findings of each
    audit record (control, action, field, message) are exactly the
    predicted ones;
  - with --configs, the derived config of each container that reached
    hardrun equals, in what the controls judge, the one containerd wrote;
  - inside each container that keeps running, the user, group, effective
    capabilities, no_new_privs, seccomp mode and read-only root are the
    predicted ones ("runs" of the prediction). Namespace paths name the sandbox's PID at run time and
    /proc/self in the prediction.
Prints what it compared; exits 0 when everything matched, 2 when it did
but the pod failed to start in the known way given with
--known-start-failure, 1 on a mismatch.

The kubelet part (what goes into the CRI requests) follows the rules of
docs/kubernetes.md: volumes under the kubelet directory, /etc/hosts and the
termination log from the pod's directory, kubelet's masked and read-only
paths.
"""

import argparse
import json
import os
import re
import subprocess
import sys

import yaml

KUBELET_MASKED = ["/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                  "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware"]
KUBELET_READONLY = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]
PLUGINS = [("emptyDir", "kubernetes.io~empty-dir"), ("projected", "kubernetes.io~projected"),
           ("configMap", "kubernetes.io~configmap"), ("secret", "kubernetes.io~secret"),
           ("downwardAPI", "kubernetes.io~downward-api")]


def profile(p):
    if not p:
        return None
    t = {"RuntimeDefault": "RuntimeDefault", "Localhost": "Localhost", "Unconfined": "Unconfined"}[p["type"]]
    out = {"profile_type": t}
    if p.get("localhostProfile"):
        out["localhost_ref"] = p["localhostProfile"]
    return out


def build(pod, args):
    meta, spec = pod["metadata"], pod["spec"]
    name, ns = meta["name"], meta.get("namespace", "default")
    uid = meta.get("uid", "POD-UID")
    psc = spec.get("securityContext") or {}
    poddir = os.path.join(args.kubelet_dir, "pods", uid)
    os.makedirs(poddir, exist_ok=True)
    hosts = os.path.join(poddir, "etc-hosts")
    with open(hosts, "w") as f:
        f.write("127.0.0.1 localhost\n")
    conts = list(spec.get("initContainers") or []) + list(spec.get("containers") or [])
    privileged = any((c.get("securityContext") or {}).get("privileged") for c in conts)
    nsopts = {"network": "NODE" if spec.get("hostNetwork") else "POD",
              "pid": "NODE" if spec.get("hostPID") else "POD" if spec.get("shareProcessNamespace") else "CONTAINER",
              "ipc": "NODE" if spec.get("hostIPC") else "POD"}
    groups = list(psc.get("supplementalGroups") or [])
    if psc.get("fsGroup") is not None:
        groups.append(psc["fsGroup"])
    sandbox_sc = {"namespace_options": nsopts, "privileged": bool(privileged)}
    if psc.get("runAsUser") is not None:
        sandbox_sc["run_as_user"] = {"value": psc["runAsUser"]}
    if psc.get("runAsGroup") is not None:
        sandbox_sc["run_as_group"] = {"value": psc["runAsGroup"]}
    if groups:
        sandbox_sc["supplemental_groups"] = groups
    if profile(psc.get("seccompProfile")):
        sandbox_sc["seccomp"] = profile(psc.get("seccompProfile"))
    logs = os.path.join(args.log_dir, name)
    os.makedirs(logs, exist_ok=True)
    podcfg = {"metadata": {"name": name, "uid": uid, "namespace": ns, "attempt": 0},
              "hostname": "" if spec.get("hostNetwork") else name,
              "log_directory": logs,
              "linux": {"cgroup_parent": args.cgroup_parent, "security_context": sandbox_sc,
                        "sysctls": {s["name"]: str(s["value"]) for s in (psc.get("sysctls") or [])}}}
    volumes = {v["name"]: v for v in spec.get("volumes") or []}
    configs = []
    for c in conts:
        csc = c.get("securityContext") or {}
        mounts = []
        for vm in c.get("volumeMounts") or []:
            v = volumes[vm["name"]]
            if "hostPath" in v:
                src = v["hostPath"]["path"]
            else:
                plugin = next(p for k, p in PLUGINS if k in v)
                src = os.path.join(poddir, "volumes", plugin, vm["name"])
                os.makedirs(src, exist_ok=True)
            mounts.append({"container_path": vm["mountPath"], "host_path": src,
                           "readonly": bool(vm.get("readOnly")), "propagation": "PROPAGATION_PRIVATE"})
        if not any(m["container_path"] == "/etc/hosts" for m in mounts):
            mounts.append({"container_path": "/etc/hosts", "host_path": hosts, "propagation": "PROPAGATION_PRIVATE"})
        term = c.get("terminationMessagePath", "/dev/termination-log")
        if term:
            tdir = os.path.join(poddir, "containers", c["name"])
            os.makedirs(tdir, exist_ok=True)
            tfile = os.path.join(tdir, "termination-log")
            open(tfile, "a").close()
            mounts.append({"container_path": term, "host_path": tfile, "propagation": "PROPAGATION_PRIVATE"})

        def eff(key):
            return csc.get(key, psc.get(key))

        sc = {"namespace_options": nsopts, "privileged": bool(csc.get("privileged")),
              "readonly_rootfs": bool(csc.get("readOnlyRootFilesystem")),
              "no_new_privs": csc.get("allowPrivilegeEscalation") is False}
        if eff("runAsUser") is not None:
            sc["run_as_user"] = {"value": eff("runAsUser")}
        if eff("runAsGroup") is not None:
            sc["run_as_group"] = {"value": eff("runAsGroup")}
        if groups:
            sc["supplemental_groups"] = groups
        caps = csc.get("capabilities") or {}
        if caps:
            sc["capabilities"] = {"add_capabilities": caps.get("add") or [],
                                  "drop_capabilities": caps.get("drop") or []}
        if not csc.get("privileged"):
            unmasked = csc.get("procMount") == "Unmasked"
            sc["masked_paths"] = [] if unmasked else KUBELET_MASKED
            sc["readonly_paths"] = [] if unmasked else KUBELET_READONLY
        sp = profile(csc.get("seccompProfile") or psc.get("seccompProfile"))
        if sp:
            sc["seccomp"] = sp
        cfg = {"metadata": {"name": c["name"]}, "image": {"image": c["image"]},
               "command": c.get("command") or [], "args": c.get("args") or [],
               "log_path": c["name"] + ".log", "mounts": mounts, "linux": {"security_context": sc}}
        configs.append(cfg)
    return {"runtime_handler": args.handler, "config": podcfg}, configs


def cri(args, rpc, request):
    p = subprocess.run(args.cri.split() + [rpc, json.dumps(request)], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


CAPS = ["CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP",
        "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER",
        "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
        "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP",
        "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF",
        "CHECKPOINT_RESTORE"]
PROBE = ('id -u; id -g; grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/self/status; '
         'awk \'$5 == "/" { print "root " $6 }\' /proc/self/mountinfo')


def inside(args, cid, runs, label):
    """What the predicted "runs" says, seen from inside the running container."""
    p = subprocess.run(args.cri.split() + ["exec", cid, "sh", "-c", PROBE], capture_output=True, text=True)
    if p.returncode != 0:
        print("MISMATCH: %s: exec failed: %s" % (label, p.stderr.strip()))
        return False
    lines = p.stdout.split("\n")
    seen = {"uid": int(lines[0]), "gid": int(lines[1])}
    for line in lines[2:]:
        if ":" in line:
            k, v = line.split(":", 1)
            seen[k] = v.strip()
        elif line.startswith("root "):
            seen["root"] = line.split()[1].split(",")
    mask = 0
    for c in runs["capabilities"]:
        mask |= 1 << CAPS.index(c[4:])
    want = {"uid": runs["uid"], "gid": runs["gid"], "CapEff": "%016x" % mask,
            "NoNewPrivs": "1" if runs["noNewPrivileges"] else "0", "Seccomp": "2" if runs["seccomp"] else "0"}
    ok = True
    for k, v in want.items():
        if seen.get(k) != v:
            print("MISMATCH: %s: inside, %s is %s, predicted %s" % (label, k, seen.get(k), v))
            ok = False
    if ("ro" in seen.get("root", [])) != runs["readonlyRoot"]:
        print("MISMATCH: %s: inside, / is %s, predicted readonly=%s" % (label, seen.get("root"), runs["readonlyRoot"]))
        ok = False
    if ok:
        print("  %s: inside: uid %d gid %d CapEff %s NoNewPrivs %s Seccomp %s root %s, as predicted"
              % (label, seen["uid"], seen["gid"], seen["CapEff"], seen["NoNewPrivs"], seen["Seccomp"],
                 "ro" if runs["readonlyRoot"] else "rw"))
    return ok


def derived_view(cfg):
    """The parts of a config.json the controls judge, as comparable values.
    Mount sources and namespace paths name places that differ between the
    prediction and the node (kubelet's directory, the sandbox's PID)."""
    proc = cfg.get("process") or {}
    lx = cfg.get("linux") or {}
    caps = proc.get("capabilities") or {}
    ann = cfg.get("annotations") or {}
    return {
        "user": {k: (proc.get("user") or {}).get(k) for k in ("uid", "gid", "additionalGids")},
        "capabilities": {k: sorted(caps.get(k) or []) for k in
                         ("bounding", "effective", "permitted", "inheritable", "ambient")},
        "noNewPrivileges": bool(proc.get("noNewPrivileges")),
        "apparmorProfile": proc.get("apparmorProfile", ""),
        "rootReadonly": bool((cfg.get("root") or {}).get("readonly")),
        "mounts": [(m.get("destination"), m.get("type"), m.get("options")) for m in cfg.get("mounts") or []],
        "namespaces": [n.get("type") for n in lx.get("namespaces") or []],
        "maskedPaths": lx.get("maskedPaths") or [],
        "readonlyPaths": lx.get("readonlyPaths") or [],
        "sysctl": lx.get("sysctl") or {},
        "deviceRules": lx.get("resources", {}).get("devices") or [],
        "devices": [(d.get("path"), d.get("type"), d.get("major"), d.get("minor")) for d in lx.get("devices") or []],
        "seccomp": lx.get("seccomp"),
        "rootfsPropagation": lx.get("rootfsPropagation", ""),
        "annotations": {k: ann.get(k) for k in ("io.kubernetes.cri.container-type",
                                                "io.kubernetes.cri.sandbox-namespace",
                                                "io.kubernetes.cri.sandbox-name",
                                                "io.kubernetes.cri.container-name",
                                                "io.kubernetes.cri.image-name")},
    }


def compare_config(configs_dir, pod_name, key, predicted, label):
    """The derived config against the one containerd wrote (before hardrun)."""
    actual = None
    for f in sorted(os.listdir(configs_dir)):
        with open(os.path.join(configs_dir, f)) as fh:
            cfg = json.load(fh)
        ann = cfg.get("annotations") or {}
        if ann.get("io.kubernetes.cri.sandbox-name") != pod_name:
            continue
        ctype = ann.get("io.kubernetes.cri.container-type")
        if (key == "" and ctype == "sandbox") or (key and ann.get("io.kubernetes.cri.container-name") == key):
            actual = cfg
    if actual is None:
        print("MISMATCH: %s: containerd wrote no config" % label)
        return False
    want, have = derived_view(predicted), derived_view(actual)
    ok = True
    for k in want:
        if want[k] != have[k]:
            print("MISMATCH: %s: derived %s differs from containerd's\n  derived:    %s\n  containerd: %s"
                  % (label, k, json.dumps(want[k]), json.dumps(have[k])))
            ok = False
    if ok:
        print("  %s: derived config matches containerd's" % label)
    return ok


def norm(f):
    return (f["control"], f["action"], f["field"], re.sub(r"/proc/[0-9]+/ns/", "/proc/self/ns/", f["message"]))


def main():
    ap = argparse.ArgumentParser()
    for o in ("--cri", "--handler", "--kubelet-dir", "--log-dir", "--cgroup-parent", "--audit", "--prediction"):
        ap.add_argument(o, required=True)
    ap.add_argument("--configs", default=None,
                    help="the config.json files containerd wrote, by container ID, to hold the derivation to")
    ap.add_argument("--run-only", action="store_true", help="run the pod and stop")
    ap.add_argument("--known-start-failure", default=None,
                    help="a failure to start, not hardrun's, that is known: reported, not a mismatch")
    ap.add_argument("manifest")
    args = ap.parse_args()
    with open(args.manifest) as f:
        doc = next(d for d in yaml.safe_load_all(f) if d and d.get("kind"))
    if doc["kind"] == "Pod":
        pod = doc
    else:
        # a workload: its template, named and placed as explain names it
        tmpl = doc["spec"]["jobTemplate"]["spec"]["template"] if doc["kind"] == "CronJob" else doc["spec"]["template"]
        meta = dict(tmpl.get("metadata") or {})
        meta.setdefault("name", doc["metadata"]["name"])
        meta.setdefault("namespace", doc["metadata"].get("namespace", "default"))
        pod = {"kind": "Pod", "metadata": meta, "spec": tmpl["spec"]}
    podreq, configs = build(pod, args)
    if args.run_only:
        pred = {"verdict": "", "containers": []}
    else:
        with open(args.prediction) as f:
            pred = json.load(f)["pods"][0]
    name = pod["metadata"]["name"]
    failed = None
    started = {}
    rc, out, err = cri(args, "RunPodSandbox", podreq)
    if rc != 0:
        failed = "RunPodSandbox: " + err.strip()
    else:
        pod_id = json.loads(out)["pod_sandbox_id"]
        for cfg in configs:
            rc, out, err = cri(args, "CreateContainer", {"pod_sandbox_id": pod_id, "config": cfg,
                                                         "sandbox_config": podreq["config"]})
            if rc == 0:
                cid = json.loads(out)["container_id"]
                rc, out, err = cri(args, "StartContainer", {"container_id": cid})
                started[cfg["metadata"]["name"]] = cid
            if rc != 0:
                failed = "container %s: %s" % (cfg["metadata"]["name"], err.strip())
                break
    if args.run_only:
        print("pod %s: %s" % (name, "failed: " + failed if failed else "runs"))
        return 1 if failed else 0
    print("pod %s: predicted %s, %s" % (name, pred["verdict"], "failed: " + failed if failed else "runs"))
    ok = True
    known = failed is not None and args.known_start_failure and args.known_start_failure in failed
    if known:
        print("KNOWN START FAILURE: %s" % args.known_start_failure)
    elif (pred["verdict"] == "refused") != (failed is not None):
        print("MISMATCH: predicted %s" % pred["verdict"])
        ok = False
    if failed and not known and "refused" not in failed:
        print("MISMATCH: the failure is not hardrun's refusal")
        ok = False
    records = {}
    with open(args.audit) as f:
        for line in f:
            r = json.loads(line)
            p = r.get("pod") or {}
            if r.get("event") == "decision" and r.get("command") == "create" and p.get("pod") == name:
                key = "" if p.get("containerType") == "sandbox" else p.get("container", "")
                records[key] = r
    for c in pred["containers"]:
        key = c.get("name", "") if c["role"] != "sandbox" else ""
        rec = records.get(key)
        label = "sandbox" if key == "" else "container " + key
        if args.configs and (rec is not None or not failed):
            ok = compare_config(args.configs, name, key, c["config"], label) and ok
        if rec is None:
            if not failed:
                print("MISMATCH: %s: no audit record" % label)
                ok = False
            continue
        want = sorted(norm(f) for f in c["findings"])
        have = sorted(norm(f) for f in rec.get("findings", []))
        if rec.get("profile") != c["profile"]:
            print("MISMATCH: %s: profile %s, predicted %s" % (label, rec.get("profile"), c["profile"]))
            ok = False
        if (rec.get("result") == "refused") != (c["verdict"] == "refused"):
            print("MISMATCH: %s: result %s, predicted %s" % (label, rec.get("result"), c["verdict"]))
            ok = False
        if c["verdict"] == "compliant" and rec.get("result") != "unchanged":
            print("MISMATCH: %s: predicted compliant, the record says %s" % (label, rec.get("result")))
            ok = False
        if want != have:
            ok = False
            print("MISMATCH: %s: findings differ" % label)
            for f in want:
                if f not in have:
                    print("  predicted only: %s" % (f,))
            for f in have:
                if f not in want:
                    print("  recorded only:  %s" % (f,))
        else:
            print("  %s: profile %s, %s, %d findings as predicted" % (label, c["profile"], c["verdict"], len(want)))
        cid = started.get(key) if key else None
        if cid and not failed:
            rc, out, err = cri(args, "ContainerStatus", {"container_id": cid})
            if rc == 0 and json.loads(out)["status"]["state"] == "CONTAINER_RUNNING":
                ok = inside(args, cid, c["runs"], label) and ok
    if not ok:
        return 1
    return 2 if known else 0


if __name__ == "__main__":
    sys.exit(main())
