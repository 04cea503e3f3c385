/* The controls, table-driven: a profile (with per-control modes), a
 * config.json in, the config.json out and the findings.
 *
 * JSON in the tables is written with single quotes, turned into double
 * quotes before parsing. Every case is also held to what is true of all of
 * them:
 *   - a profile with no control in enforce mode changes nothing;
 *   - the spec changed exactly when some finding says "changed";
 *   - applying the profile again to its own output changes nothing more.
 * The exec ceiling has two tables of its own: process objects
 * (exec --process) and exec's flags. */
#include "config.h"
#include "policy/policy.h"
#include "policy/exec.h"
#include "policy/process.h"
#include "policy/seccomp.h"
#include "cmdline.h"
#include "cleanup.h"
#include "host-fake.h"
#include "tap.h"
#include "json-text.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_CHECKS 16
#define MAX_FINDINGS 12

/* A path into the document and the JSON expected there: NULL for absent,
 * "*" for present with any value. Paths are dotted member names with [N]
 * for array elements and ['key'] for keys that hold dots. */
struct check
{
  const char *path;
  const char *json;
};

/* One expected finding: the control, the action (changed, audit, refused,
 * note) and a substring of "field: message". */
struct want
{
  const char *control;
  const char *action;
  const char *text;
};

struct expect
{
  const char *out;              /* the whole document; NULL: see checks */
  struct check checks[MAX_CHECKS]; /* with OUT and CHECKS unset: unchanged */
  struct want findings[MAX_FINDINGS];
  bool some;                    /* FINDINGS lists some of them, not all */
  bool refused;
};

/* What the fake host answers during one case. */
struct host
{
  const char *realpath[4][2];   /* path -> target */
  const char *identity[2][2];   /* resolved path -> what is mounted there */
  const char *swappable[2][2];  /* resolved path -> who could swap it */
  const char *layers[1][2];     /* resolved path -> its overlay's layers */
  struct
  {
    const char *path;
    char type;                  /* 'b', 'c', 'f' */
    unsigned major, minor;
  } type[2];
  struct
  {
    const char *path;
    unsigned gid;
  } socket;
  const char *host_ns[4];       /* namespace paths that are the host's */
  uint64_t lacks_caps;          /* capabilities the host cannot grant */
  bool apparmor;
  bool selinux;
  const char *image[6][2];      /* root filesystem entries (host-fake.h) */
};

struct policy_case
{
  const char *name;
  const char *profile;          /* NULL: "restricted" */
  const char *modes;            /* "control=mode ...", "*" for every control */
  const char *in;
  struct expect x;
  /* rarely needed */
  const char *ro_host_paths[4]; /* the profile's readonlyHostPaths */
  const char *bundle;           /* NULL: "/bundle" */
  struct host host;
  bool install_seccomp;         /* first set linux.seccomp to hardrun's own */
  const char *images[4];        /* the profile's images.allow */
  bool cri;                     /* the invocation comes from containerd's CRI */
};

/* Changed, audit, refused, note. */
#define CHANGED(ctl, text) { ctl, "changed", text }
#define AUDIT(ctl, text) { ctl, "audit", text }
#define REFUSED(ctl, text) { ctl, "refused", text }
#define NOTE(ctl, text) { ctl, "note", text }

/* One control alone, in MODE. */
#define ONLY(ctl, mode) "*=off " ctl "=" mode

/* The scratch tmpfs hardrun adds for uid:gid 0:0 where the root filesystem
 * cannot be examined. */
#define SCRATCH(dest, mode)                                                                                           \
  "{'destination':'" dest "','type':'tmpfs','source':'tmpfs','options':['nosuid','nodev','noexec','mode=" mode "',"   \
  "'size=65536k','uid=0','gid=0']}"
#define TMPFS(dest) SCRATCH (dest, "1777")
#define BIND(src, dest, opts) "{'destination':'" dest "','type':'bind','source':'" src "','options':" opts "}"
#define MOUNTS1(m) "{'mounts':[" m "]}"
#define OTHER_NS "{'type':'pid'},{'type':'ipc'},{'type':'uts'},{'type':'mount'}"
#define DENY_ALL "{'allow':false,'access':'rwm'}"
/* Docker's libnetwork hook as Docker 20.10 writes it, for container ID, with MORE arguments */
#define SETKEY(id, more)                                                                                              \
  "{'path':'/proc/4242/exe','args':['libnetwork-setkey','-exec-root=/run/docker','" id "','26cfa0f99724'" more "]}"

#define DOCKER_CAPS                                                                                                   \
  "['CAP_CHOWN','CAP_DAC_OVERRIDE','CAP_FSETID','CAP_FOWNER','CAP_MKNOD','CAP_NET_RAW','CAP_SETGID',"                 \
  "'CAP_SETUID','CAP_SETFCAP','CAP_SETPCAP','CAP_NET_BIND_SERVICE','CAP_SYS_CHROOT','CAP_KILL','CAP_AUDIT_WRITE']"
#define BASELINE_KEPT                                                                                                 \
  "['CAP_CHOWN','CAP_DAC_OVERRIDE','CAP_FOWNER','CAP_FSETID','CAP_KILL','CAP_SETGID','CAP_SETUID',"                   \
  "'CAP_SETPCAP','CAP_NET_BIND_SERVICE','CAP_SYS_CHROOT','CAP_MKNOD','CAP_AUDIT_WRITE','CAP_SETFCAP']"
#define NBS "['CAP_NET_BIND_SERVICE']"
#define BASELINE_KEPT_NO_NBS                                                                                          \
  "['CAP_CHOWN','CAP_DAC_OVERRIDE','CAP_FOWNER','CAP_FSETID','CAP_KILL','CAP_SETGID','CAP_SETUID',"                   \
  "'CAP_SETPCAP','CAP_SYS_CHROOT','CAP_MKNOD','CAP_AUDIT_WRITE','CAP_SETFCAP']"

#define MASKED                                                                                                        \
  "['/proc/acpi','/proc/asound','/proc/interrupts','/proc/kcore','/proc/keys','/proc/latency_stats',"                 \
  "'/proc/sched_debug','/proc/scsi','/proc/timer_list','/proc/timer_stats','/sys/devices/virtual/powercap',"          \
  "'/sys/firmware']"
#define READONLY "['/proc/bus','/proc/fs','/proc/irq','/proc/sys','/proc/sysrq-trigger']"

/* A config.json with most of what "privileged" means. */
#define DANGEROUS                                                                                                     \
  "{'ociVersion':'1.0.2','process':{'user':{'uid':0,'gid':0,'additionalGids':[0,10]},'args':['sh'],"                  \
  "'cwd':'/','capabilities':{'bounding':" DOCKER_CAPS ",'effective':" DOCKER_CAPS ",'permitted':"                     \
  DOCKER_CAPS ",'inheritable':['CAP_SYS_ADMIN'],'ambient':['CAP_SYS_ADMIN']},'noNewPrivileges':false,"                \
  "'apparmorProfile':'unconfined'},'root':{'path':'rootfs'},'hostname':'c1',"                                         \
  "'hooks':{'prestart':[{'path':'/tmp/evil'}],'poststop':[{'path':'/usr/bin/dockerd'}]},"                             \
  "'annotations':{'run.oci.seccomp_bpf_data':'AAAA','org.systemd.property.Delegate':'yes',"                           \
  "'io.kubernetes.cri.container-type':'container'},"                                                                  \
  "'mounts':[{'destination':'/proc','type':'proc','source':'proc'},"                                                  \
  "{'destination':'/dev','type':'tmpfs','source':'tmpfs','options':['nosuid','strictatime','mode=755']},"             \
  "{'destination':'/sys','type':'sysfs','source':'sysfs','options':['nosuid','noexec','nodev','rw']},"                \
  "{'destination':'/data','type':'bind','source':'/srv/data','options':['rbind','rshared']},"                         \
  "{'destination':'/etc/hosts','type':'bind','source':'/var/lib/docker/containers/c1/hosts',"                         \
  "'options':['rbind','rprivate']}],"                                                                                 \
  "'linux':{'namespaces':[{'type':'network'},{'type':'pid'}],"                                                        \
  "'devices':[{'path':'/dev/sda','type':'b','major':8,'minor':0},"                                                    \
  "{'path':'/dev/null','type':'c','major':1,'minor':3}],"                                                             \
  "'resources':{'devices':[{'allow':true,'access':'rwm'}],'pids':{'limit':-1}},"                                      \
  "'sysctl':{'kernel.core_pattern':'|/tmp/x','net.ipv4.tcp_syncookies':'1'},"                                         \
  "'seccomp':{'defaultAction':'SCMP_ACT_ALLOW'},'rootfsPropagation':'rshared',"                                       \
  "'maskedPaths':[],'readonlyPaths':[]}}"

static const struct policy_case cases[] = {
  /* ---------------- user ---------------- */
  { "user: uid 0 and gid 0 become 65534, gid 0 leaves additionalGids", NULL, ONLY ("user", "enforce"),
    "{'process':{'user':{'uid':0,'gid':0,'additionalGids':[0,10,0]}}}",
    { .out = "{'process':{'user':{'uid':65534,'gid':65534,'additionalGids':[10]}}}",
      .findings = { CHANGED ("user", "process.user.uid: runs as root (uid 0); set to 65534"),
                    CHANGED ("user", "process.user.gid: runs with group root (gid 0); set to 65534"),
                    CHANGED ("user", "process.user.additionalGids[2]: supplementary group root"),
                    CHANGED ("user", "process.user.additionalGids[0]: supplementary group root") } } },
  { "user: no user object means root", NULL, ONLY ("user", "enforce"),
    "{'process':{'args':['sh']}}",
    { .out = "{'process':{'args':['sh'],'user':{'uid':65534,'gid':65534}}}",
      .findings = { CHANGED ("user", "uid"), CHANGED ("user", "gid") } } },
  { "user: a supplementary group that may write a runtime socket is removed", NULL, ONLY ("user", "enforce"),
    "{'process':{'user':{'uid':1000,'gid':1000,'additionalGids':[27,999]}}}",
    { .out = "{'process':{'user':{'uid':1000,'gid':1000,'additionalGids':[27]}}}",
      .findings = { CHANGED ("user", "process.user.additionalGids[1]: supplementary group 999 may write the runtime "
                                     "socket \"/run/docker.sock\", which is as good as root; removed") } },
    .host = { .socket = { "/run/docker.sock", 999 } } },
  { "user: a non-root user is kept", NULL, ONLY ("user", "enforce"),
    "{'process':{'user':{'uid':1000,'gid':1000,'additionalGids':[1000,27]}}}",
    { 0 } },
  { "user: audit reports and changes nothing", NULL, ONLY ("user", "audit"),
    "{'process':{'user':{'uid':0,'gid':0,'additionalGids':[0]}}}",
    { .findings = { AUDIT ("user", "uid 0"), AUDIT ("user", "gid 0"), AUDIT ("user", "additionalGids[0]") } } },
  { "user: deny refuses", NULL, ONLY ("user", "deny"),
    "{'process':{'user':{'uid':0,'gid':1000}}}",
    { .findings = { REFUSED ("user", "process.user.uid: runs as root") }, .refused = true } },
  { "user: off does nothing", NULL, ONLY ("user", "off"),
    "{'process':{'user':{'uid':0,'gid':0,'additionalGids':[0]}}}",
    { 0 } },
  { "user: a user namespace mapping root to a non-root host id complies", NULL, ONLY ("user", "enforce"),
    "{'process':{'user':{'uid':0,'gid':0,'additionalGids':[0]}},'linux':{'namespaces':[{'type':'user'}],"
    "'uidMappings':[{'containerID':0,'hostID':100000,'size':65536}],"
    "'gidMappings':[{'containerID':0,'hostID':100000,'size':65536}]}}",
    { 0 } },
  { "user: a user namespace mapping root to host root does not", NULL, ONLY ("user", "enforce"),
    "{'process':{'user':{'uid':0,'gid':0}},'linux':{'namespaces':[{'type':'user'}],"
    "'uidMappings':[{'containerID':0,'hostID':0,'size':65536}],"
    "'gidMappings':[{'containerID':0,'hostID':100000,'size':65536}]}}",
    { .checks = { { "process.user.uid", "65534" }, { "process.user.gid", "0" } },
      .findings = { CHANGED ("user", "process.user.uid") } } },
  { "user: mappings without a user namespace are ignored", NULL, ONLY ("user", "enforce"),
    "{'process':{'user':{'uid':0,'gid':0}},'linux':{'namespaces':[{'type':'pid'}],"
    "'uidMappings':[{'containerID':0,'hostID':100000,'size':65536}],"
    "'gidMappings':[{'containerID':0,'hostID':100000,'size':65536}]}}",
    { .checks = { { "process.user.uid", "65534" }, { "process.user.gid", "65534" } },
      .findings = { CHANGED ("user", "uid"), CHANGED ("user", "gid") } } },
  { "user: a non-root uid that the user namespace maps to host root is refused", NULL, ONLY ("user", "enforce"),
    "{'process':{'user':{'uid':1000,'gid':1000}},'linux':{'namespaces':[{'type':'user'}],"
    "'uidMappings':[{'containerID':0,'hostID':100000,'size':1000},{'containerID':1000,'hostID':0,'size':1}],"
    "'gidMappings':[{'containerID':0,'hostID':100000,'size':65536}]}}",
    { .findings = { REFUSED ("user", "host root") }, .refused = true } },

  /* ---------------- caps ---------------- */
  { "caps: restricted, non-root, only NET_BIND_SERVICE asked: kept in all five sets", NULL, ONLY ("caps", "enforce"),
    "{'process':{'user':{'uid':1000,'gid':1000},'capabilities':{'bounding':" NBS ",'effective':" NBS
    ",'permitted':" NBS "}}}",
    { .out = "{'process':{'user':{'uid':1000,'gid':1000},'capabilities':{'bounding':" NBS ",'effective':" NBS
             ",'permitted':" NBS ",'inheritable':" NBS ",'ambient':" NBS "}}}",
      .findings = { CHANGED ("caps", "inheritable: added CAP_NET_BIND_SERVICE so that it survives execve"),
                    CHANGED ("caps", "ambient: added CAP_NET_BIND_SERVICE") } } },
  { "caps: restricted, root, only NET_BIND_SERVICE asked: kept where asked", NULL, ONLY ("caps", "enforce"),
    "{'process':{'capabilities':{'bounding':" NBS ",'effective':" NBS ",'permitted':" NBS "}}}",
    { 0 } },
  { "caps: restricted, Docker's default set asked: everything dropped", NULL, ONLY ("caps", "enforce"),
    "{'process':{'capabilities':{'bounding':" DOCKER_CAPS ",'effective':" DOCKER_CAPS ",'permitted':" DOCKER_CAPS
    "}}}",
    { .out = "{'process':{'capabilities':{'bounding':[],'effective':[],'permitted':[]}}}",
      .findings = { CHANGED ("caps", "bounding: dropped CAP_CHOWN, CAP_DAC_OVERRIDE"),
                    CHANGED ("caps", "effective: dropped CAP_CHOWN"),
                    CHANGED ("caps", "permitted: dropped CAP_CHOWN") } } },
  { "caps: restricted, non-root asking NET_BIND_SERVICE and NET_RAW keeps neither", NULL, ONLY ("caps", "enforce"),
    "{'process':{'user':{'uid':1000},'capabilities':{'bounding':['CAP_NET_BIND_SERVICE','CAP_NET_RAW'],"
    "'ambient':['CAP_NET_BIND_SERVICE']}}}",
    { .out = "{'process':{'user':{'uid':1000},'capabilities':{'bounding':[],'ambient':[]}}}",
      .findings = { CHANGED ("caps", "bounding: dropped CAP_NET_BIND_SERVICE, CAP_NET_RAW"),
                    CHANGED ("caps", "ambient: dropped CAP_NET_BIND_SERVICE") } } },
  { "caps: restricted, low ports open in its own network namespace: NET_BIND_SERVICE is not kept", NULL,
    "*=off caps=enforce sysctls=enforce",
    "{'process':{'user':{'uid':1000,'gid':1000},'capabilities':{'bounding':" NBS ",'effective':" NBS
    ",'permitted':" NBS "}},'linux':{'namespaces':[{'type':'network'}]}}",
    { .checks = { { "process.capabilities", "{'bounding':[],'effective':[],'permitted':[]}" },
                  { "linux.sysctl", "{'net.ipv4.ip_unprivileged_port_start':'0'}" } },
      .findings = { NOTE ("caps", "CAP_NET_BIND_SERVICE is not needed"),
                    CHANGED ("caps", "bounding: dropped CAP_NET_BIND_SERVICE"),
                    CHANGED ("caps", "effective: dropped CAP_NET_BIND_SERVICE"),
                    CHANGED ("caps", "permitted: dropped CAP_NET_BIND_SERVICE"),
                    CHANGED ("sysctls", "ip_unprivileged_port_start") } } },
  { "caps: the spec opened low ports itself: NET_BIND_SERVICE is not kept", NULL, ONLY ("caps", "enforce"),
    "{'process':{'capabilities':{'bounding':" NBS "}},'linux':{'namespaces':[{'type':'network'}],"
    "'sysctl':{'net.ipv4.ip_unprivileged_port_start':'0'}}}",
    { .checks = { { "process.capabilities.bounding", "[]" } },
      .findings = { NOTE ("caps", "not needed"), CHANGED ("caps", "bounding: dropped CAP_NET_BIND_SERVICE") } } },
  { "caps: the host's network: NET_BIND_SERVICE is kept", NULL, "*=off caps=enforce sysctls=enforce",
    "{'process':{'capabilities':{'bounding':" NBS "}},'linux':{'namespaces':[{'type':'pid'}]}}",
    { 0 } },
  { "caps: baseline keeps Docker's set minus NET_RAW", "baseline", ONLY ("caps", "enforce"),
    "{'process':{'capabilities':{'bounding':" DOCKER_CAPS ",'effective':" DOCKER_CAPS "}}}",
    { .out = "{'process':{'capabilities':{'bounding':" BASELINE_KEPT ",'effective':" BASELINE_KEPT "}}}",
      .findings = { CHANGED ("caps", "bounding: dropped CAP_NET_RAW"),
                    CHANGED ("caps", "effective: dropped CAP_NET_RAW") } } },
  { "caps: a missing capabilities object is a violation", NULL, ONLY ("caps", "enforce"),
    "{'process':{'args':['sh']}}",
    { .out = "{'process':{'args':['sh'],'capabilities':{}}}",
      .findings = { CHANGED ("caps", "process.capabilities: no capability sets") } } },
  { "caps: a missing capabilities object, audit", NULL, ONLY ("caps", "audit"),
    "{'process':{'args':['sh']}}",
    { .findings = { AUDIT ("caps", "no capability sets") } } },
  { "caps: deny refuses an unallowed capability", NULL, ONLY ("caps", "deny"),
    "{'process':{'capabilities':{'bounding':['CAP_SYS_ADMIN']}}}",
    { .findings = { REFUSED ("caps", "bounding: dropped CAP_SYS_ADMIN") }, .refused = true } },
  { "caps: off does nothing", NULL, ONLY ("caps", "off"),
    "{'process':{'capabilities':{'bounding':['CAP_SYS_ADMIN']}}}",
    { 0 } },
  { "caps: a capability the host lacks is dropped with a note", NULL, ONLY ("caps", "enforce"),
    "{'process':{'user':{'uid':1000},'capabilities':{'bounding':" NBS "}}}",
    { .out = "{'process':{'user':{'uid':1000},'capabilities':{'bounding':[]}}}",
      .findings = { NOTE ("caps", "the host cannot grant CAP_NET_BIND_SERVICE; dropped"),
                    CHANGED ("caps", "bounding: dropped CAP_NET_BIND_SERVICE") } },
    .host = { .lacks_caps = UINT64_C (1) << 10 } },
  { "caps: misspelt names go", "baseline", ONLY ("caps", "enforce"),
    "{'process':{'capabilities':{'bounding':['cap_chown','CAP_CHOWN','CAP_NOPE']}}}",
    { .out = "{'process':{'capabilities':{'bounding':['CAP_CHOWN']}}}",
      .findings = { CHANGED ("caps", "bounding: dropped unknown or misspelled names") } } },

  /* ---------------- no_new_privileges ---------------- */
  { "no_new_privileges: false becomes true", NULL, ONLY ("no_new_privileges", "enforce"),
    "{'process':{'noNewPrivileges':false,'args':['sh']}}",
    { .out = "{'process':{'noNewPrivileges':true,'args':['sh']}}",
      .findings = { CHANGED ("no_new_privileges", "process.noNewPrivileges: was false; set to true") } } },
  { "no_new_privileges: unset becomes true", NULL, ONLY ("no_new_privileges", "enforce"),
    "{'process':{'args':['sh']}}",
    { .out = "{'process':{'args':['sh'],'noNewPrivileges':true}}",
      .findings = { CHANGED ("no_new_privileges", "was unset") } } },
  { "no_new_privileges: audit", NULL, ONLY ("no_new_privileges", "audit"),
    "{'process':{'noNewPrivileges':false}}",
    { .findings = { AUDIT ("no_new_privileges", "was false") } } },
  { "no_new_privileges: deny", NULL, ONLY ("no_new_privileges", "deny"),
    "{'process':{'noNewPrivileges':false}}",
    { .findings = { REFUSED ("no_new_privileges", "was false") }, .refused = true } },
  { "no_new_privileges: off", NULL, ONLY ("no_new_privileges", "off"),
    "{'process':{'noNewPrivileges':false}}",
    { 0 } },
  { "no_new_privileges: true is kept", NULL, ONLY ("no_new_privileges", "enforce"),
    "{'process':{'noNewPrivileges':true}}",
    { 0 } },

  /* ---------------- rootfs ---------------- */
  { "rootfs: read-only, with tmpfs mounts placed before the mounts below them", NULL, ONLY ("rootfs", "enforce"),
    "{'root':{'path':'rootfs'},'mounts':[{'destination':'/proc','type':'proc','source':'proc'},"
    BIND ("/s", "/run/secrets", "['rbind','ro']") "]}",
    { .out = "{'root':{'path':'rootfs','readonly':true},'mounts':[{'destination':'/proc','type':'proc',"
             "'source':'proc'}," SCRATCH ("/run", "0755") "," BIND ("/s", "/run/secrets", "['rbind','ro']") ","
             TMPFS ("/tmp") "," TMPFS ("/var/tmp") "," SCRATCH ("/var/cache", "0755") ","
             SCRATCH ("/var/log", "0755") "]}",
      .findings = { CHANGED ("rootfs", "root.readonly: root filesystem is writable; made read-only"),
                    CHANGED ("rootfs", "mounts: no writable scratch space at \"/tmp\"; added a tmpfs (size 65536k, "
                             "owner 0:0, mode 1777, noexec)"),
                    CHANGED ("rootfs", "\"/run\""), CHANGED ("rootfs", "\"/var/tmp\""),
                    CHANGED ("rootfs", "\"/var/cache\""), CHANGED ("rootfs", "\"/var/log\"") } } },
  { "rootfs: no tmpfs where a volume is mounted already", NULL, ONLY ("rootfs", "enforce"),
    "{'root':{'path':'rootfs','readonly':true},'mounts':[" BIND ("/vol", "/tmp/", "['rbind']") "]}",
    { .checks = { { "mounts[0].source", "'/vol'" }, { "mounts[1].destination", "'/run'" },
                  { "mounts[2].destination", "'/var/tmp'" }, { "mounts[5]", NULL } },
      .findings = { CHANGED ("rootfs", "\"/run\""), CHANGED ("rootfs", "\"/var/tmp\""),
                    CHANGED ("rootfs", "\"/var/cache\""), CHANGED ("rootfs", "\"/var/log\"") } } },
  { "rootfs: no tmpfs below a volume the spec mounts", NULL, ONLY ("rootfs", "enforce"),
    "{'root':{'path':'rootfs','readonly':true},'mounts':[" BIND ("/vol", "/var", "['rbind']") ","
    TMPFS ("/tmp") "," TMPFS ("/run") "]}",
    { 0 } },
  { "rootfs: nothing to do", NULL, ONLY ("rootfs", "enforce"),
    "{'root':{'readonly':true},'mounts':[" TMPFS ("/tmp") "," TMPFS ("/run") "," TMPFS ("/var/tmp") ","
    TMPFS ("/var/cache") "," TMPFS ("/var/log") "]}",
    { 0 } },
  { "rootfs: scratch is the process's, keeps the image's contents and mode", NULL, ONLY ("rootfs", "enforce"),
    "{'process':{'user':{'uid':999,'gid':998}},'root':{'path':'rootfs','readonly':true},'mounts':["
    TMPFS ("/tmp") "," TMPFS ("/var/tmp") "," TMPFS ("/var/cache") "," TMPFS ("/var/log") "]}",
    { .checks = { { "mounts[4]", "{'destination':'/run','type':'tmpfs','source':'tmpfs','options':['nosuid','nodev',"
                                 "'noexec','mode=0711','size=65536k','uid=999','gid=998','tmpcopyup']}" } },
      .findings = { CHANGED ("rootfs", "\"/run\"; added a tmpfs (size 65536k, owner 999:998, mode 0711, noexec, "
                             "with the image's contents)") } },
    .host = { .image = { { "/bundle/rootfs", "dir 0755 0 0" }, { "/bundle/rootfs/run", "dir 0711 0 0" } } } },
  { "rootfs: below the scratch, every directory becomes the process's when it took root's place, and "
    "world-writable ones stay writable", NULL, "*=off user=enforce rootfs=enforce",
    "{'process':{'user':{'uid':0,'gid':0}},'root':{'path':'rootfs','readonly':true},'mounts':["
    TMPFS ("/tmp") "," TMPFS ("/var/tmp") "," TMPFS ("/var/cache") "," TMPFS ("/var/log") "]}",
    { .checks = { { "mounts[4].destination", "'/run'" },
                  { "mounts[5]", "{'destination':'/run/nginx','type':'tmpfs','source':'tmpfs','options':['nosuid',"
                                 "'nodev','noexec','mode=0750','size=65536k','uid=65534','gid=65534','tmpcopyup']}" },
                  { "mounts[6].destination", "'/run/postgresql'" },
                  { "mounts[6].options[3]", "'mode=3777'" },
                  { "mounts[7].destination", "'/run/redis'" },
                  { "mounts[8]", NULL } },
      .findings = { CHANGED ("user", "uid"), CHANGED ("user", "gid"), CHANGED ("rootfs", "\"/run\""),
                    CHANGED ("rootfs", "\"/run/nginx\" is root's to write in the image, and the process takes "
                                       "root's place"),
                    CHANGED ("rootfs", "\"/run/postgresql\" is writable by every user in the image"),
                    CHANGED ("rootfs", "\"/run/redis\" is root's to write") } },
    .host = { .image = { { "/bundle/rootfs", "dir 0755 0 0" }, { "/bundle/rootfs/run", "dir 0755 0 0" },
                         { "/bundle/rootfs/run/nginx", "dir 0750 0 0" },
                         { "/bundle/rootfs/run/postgresql", "dir 3777 102 103" },
                         { "/bundle/rootfs/run/redis", "dir 0755 100 101" },
                         { "/bundle/rootfs/run/lock", "symlink" } } } },
  { "rootfs: a named user keeps root's directories root's", NULL, "*=off user=enforce rootfs=enforce",
    "{'process':{'user':{'uid':33,'gid':33}},'root':{'path':'rootfs','readonly':true},'mounts':["
    TMPFS ("/tmp") "," TMPFS ("/var/tmp") "," TMPFS ("/var/cache") "," TMPFS ("/var/log") "]}",
    { .checks = { { "mounts[4].destination", "'/run'" }, { "mounts[5].destination", "'/run/postgresql'" },
                  { "mounts[6]", NULL } },
      .findings = { CHANGED ("rootfs", "\"/run\""), CHANGED ("rootfs", "\"/run/postgresql\"") } },
    .host = { .image = { { "/bundle/rootfs", "dir 0755 0 0" }, { "/bundle/rootfs/run", "dir 0755 0 0" },
                         { "/bundle/rootfs/run/nginx", "dir 0750 0 0" },
                         { "/bundle/rootfs/run/postgresql", "dir 3777 102 103" } } } },
  { "rootfs: a symlink in the image is mounted over where it leads, with its contents", NULL,
    ONLY ("rootfs", "enforce"),
    "{'root':{'path':'/images/r','readonly':true},'mounts':["
    TMPFS ("/tmp") "," TMPFS ("/var/tmp") "," TMPFS ("/var/cache") "," TMPFS ("/run") "]}",
    { .checks = { { "mounts[4].options", "['nosuid','nodev','noexec','mode=0755','size=65536k','uid=0','gid=0',"
                                         "'tmpcopyup']" } },
      .findings = { CHANGED ("rootfs", "\"/var/log\"") } },
    .host = { .image = { { "/images/r", "dir 0755 0 0" }, { "/images/r/var", "dir 0755 0 0" },
                         { "/images/r/var/log", "symlink" } } } },
  { "rootfs: no tmpfs where the image has a file", NULL, ONLY ("rootfs", "enforce"),
    "{'root':{'path':'rootfs','readonly':true},'mounts':["
    TMPFS ("/tmp") "," TMPFS ("/var/tmp") "," TMPFS ("/var/cache") "," TMPFS ("/var/log") "]}",
    { .findings = { NOTE ("rootfs", "no tmpfs at \"/run\": the image has a file there") } },
    .host = { .image = { { "/bundle/rootfs", "dir 0755 0 0" }, { "/bundle/rootfs/run", "file" } } } },
  { "rootfs: no user namespace: a missing directory is created by the runtime", NULL, ONLY ("rootfs", "enforce"),
    "{'root':{'path':'rootfs','readonly':true},'mounts':["
    TMPFS ("/tmp") "," TMPFS ("/var/tmp") "," TMPFS ("/var/cache") "," TMPFS ("/var/log") "]}",
    { .checks = { { "mounts[4]", SCRATCH ("/run", "0755") } },
      .findings = { CHANGED ("rootfs", "\"/run\"") } },
    .host = { .image = { { "/bundle/rootfs", "dir 0755 0 0" } } } },
  { "rootfs: a mapped root cannot create a missing directory in a root-owned image", NULL,
    ONLY ("rootfs", "enforce"),
    "{'root':{'path':'rootfs','readonly':true},'linux':{'namespaces':[{'type':'user'}],"
    "'uidMappings':[{'containerID':0,'hostID':100000,'size':65536}]},'mounts':[" TMPFS ("/tmp") "]}",
    { .checks = { { "mounts[1]", NULL } },
      .findings = { NOTE ("rootfs", "no tmpfs at \"/run\": the image lacks it, and the runtime cannot create it in "
                          "the user namespace"),
                    NOTE ("rootfs", "\"/var/tmp\""), NOTE ("rootfs", "\"/var/cache\""),
                    NOTE ("rootfs", "\"/var/log\"") } },
    .host = { .image = { { "/bundle/rootfs", "dir 0755 0 0" }, { "/bundle/rootfs/tmp", "dir 1777 0 0" } } } },
  { "rootfs: a mapped root creates a missing directory in an image it owns", NULL, ONLY ("rootfs", "enforce"),
    "{'root':{'path':'rootfs','readonly':true},'linux':{'namespaces':[{'type':'user'}],"
    "'uidMappings':[{'containerID':0,'hostID':100000,'size':65536}]},'mounts':["
    TMPFS ("/tmp") "," TMPFS ("/var/tmp") "," TMPFS ("/var/cache") "," TMPFS ("/var/log") "]}",
    { .checks = { { "mounts[4]", SCRATCH ("/run", "0755") } },
      .findings = { CHANGED ("rootfs", "\"/run\"") } },
    .host = { .image = { { "/bundle/rootfs", "dir 0755 100000 100000" } } } },
  { "rootfs: audit, writable root", NULL, ONLY ("rootfs", "audit"),
    "{'root':{'path':'rootfs'}}",
    { .findings = { AUDIT ("rootfs", "root.readonly") } } },
  { "rootfs: audit, read-only root without scratch space", NULL, ONLY ("rootfs", "audit"),
    "{'root':{'path':'rootfs','readonly':true}}",
    { .findings = { AUDIT ("rootfs", "\"/tmp\""), AUDIT ("rootfs", "\"/run\""), AUDIT ("rootfs", "\"/var/tmp\""),
                    AUDIT ("rootfs", "\"/var/cache\""), AUDIT ("rootfs", "\"/var/log\"") } } },
  { "rootfs: deny", NULL, ONLY ("rootfs", "deny"),
    "{'root':{'path':'rootfs','readonly':false},'mounts':[" TMPFS ("/tmp") "," TMPFS ("/run") ","
    TMPFS ("/var/tmp") "]}",
    { .findings = { REFUSED ("rootfs", "root.readonly") }, .refused = true } },
  { "rootfs: off", NULL, ONLY ("rootfs", "off"),
    "{'root':{'path':'rootfs'}}",
    { 0 } },

  /* ---------------- paths ---------------- */
  { "paths: Docker's masked and read-only paths, /sys ro, /proc nosuid,noexec,nodev", NULL, ONLY ("paths", "enforce"),
    "{'mounts':[{'destination':'/sys','type':'sysfs','source':'sysfs','options':['nosuid','rw']},"
    "{'destination':'/proc','type':'proc','source':'proc'}]}",
    { .out = "{'mounts':[{'destination':'/sys','type':'sysfs','source':'sysfs','options':['nosuid','ro']},"
             "{'destination':'/proc','type':'proc','source':'proc','options':['nosuid','noexec','nodev']}],"
             "'linux':{'maskedPaths':" MASKED ",'readonlyPaths':" READONLY "}}",
      .findings = { CHANGED ("paths", "linux.maskedPaths: \"/proc/kcore\" was not listed; added"),
                    CHANGED ("paths", "linux.readonlyPaths: \"/proc/sysrq-trigger\""),
                    CHANGED ("paths", "mounts[0].options: \"/sys\" mounted without \"ro\"; added"),
                    CHANGED ("paths", "mounts[1].options: \"/proc\" mounted without \"noexec\"") },
      .some = true } },
  { "paths: lists that hold the paths already (any order, any spelling) are kept", NULL, ONLY ("paths", "enforce"),
    "{'linux':{'maskedPaths':['/sys/firmware/','/proc/acpi','/proc//asound','/proc/interrupts','/proc/kcore',"
    "'/proc/keys','/proc/latency_stats','/proc/sched_debug','/proc/scsi','/proc/timer_list','/proc/timer_stats',"
    "'/sys/devices/virtual/powercap','/proc/extra'],'readonlyPaths':['/proc/sys','/proc/bus','/proc/fs',"
    "'/proc/irq','/proc/./sysrq-trigger']},'mounts':[{'destination':'/sys/fs/cgroup','type':'cgroup',"
    "'source':'cgroup','options':['ro','nosuid']}]}",
    { 0 } },
  { "paths: a working directory under /proc is refused (CVE-2024-21626)", NULL, ONLY ("paths", "enforce"),
    "{'process':{'cwd':'/proc/self/fd/7'},'linux':{'maskedPaths':" MASKED ",'readonlyPaths':" READONLY "}}",
    { .findings = { REFUSED ("paths", "process.cwd: working directory \"/proc/self/fd/7\" is under \"/proc\"") },
      .refused = true } },
  { "paths: a working directory through runc's /dev/fd link", NULL, ONLY ("paths", "enforce"),
    "{'process':{'cwd':'/dev/fd/7/..'},'linux':{'maskedPaths':" MASKED ",'readonlyPaths':" READONLY "}}",
    { .findings = { REFUSED ("paths", "is under \"/dev/fd\"") }, .refused = true } },
  { "paths: an ordinary working directory", NULL, ONLY ("paths", "enforce"),
    "{'process':{'cwd':'/srv/app'},'linux':{'maskedPaths':" MASKED ",'readonlyPaths':" READONLY "}}",
    { 0 } },
  { "paths: /sys/fs/cgroup rw becomes ro", NULL, ONLY ("paths", "enforce"),
    "{'linux':{'maskedPaths':" MASKED ",'readonlyPaths':" READONLY "},'mounts':[{'destination':'/sys/fs/cgroup',"
    "'type':'cgroup','source':'cgroup','options':['nosuid','rw']}]}",
    { .checks = { { "mounts[0].options", "['nosuid','ro']" } },
      .findings = { CHANGED ("paths", "\"/sys/fs/cgroup\" mounted without \"ro\"") } } },
  { "paths: audit changes nothing, not even an empty linux object", NULL, ONLY ("paths", "audit"),
    "{'process':{'args':['sh']}}",
    { .findings = { AUDIT ("paths", "/proc/kcore") }, .some = true } },
  { "paths: deny changes nothing", NULL, ONLY ("paths", "deny"),
    "{'process':{'args':['sh']}}",
    { .findings = { REFUSED ("paths", "/proc/kcore") }, .some = true, .refused = true } },
  { "paths: off", NULL, ONLY ("paths", "off"),
    "{'process':{'args':['sh']}}",
    { 0 } },
  { "paths: \"rw\" after \"ro\" wins, so /sys is not read-only", NULL, ONLY ("paths", "enforce"),
    "{'linux':{'maskedPaths':" MASKED ",'readonlyPaths':" READONLY "},'mounts':[{'destination':'/sys',"
    "'type':'sysfs','source':'sysfs','options':['nosuid','noexec','nodev','ro','rw']}]}",
    { .checks = { { "mounts[0].options", "['nosuid','noexec','nodev','ro']" } },
      .findings = { CHANGED ("paths", "\"/sys\" mounted without \"ro\"") } } },
  { "paths: \"exec\" after \"noexec\" wins on /proc", NULL, ONLY ("paths", "enforce"),
    "{'linux':{'maskedPaths':" MASKED ",'readonlyPaths':" READONLY "},'mounts':[{'destination':'/proc',"
    "'type':'proc','source':'proc','options':['nosuid','noexec','nodev','exec']}]}",
    { .checks = { { "mounts[0].options", "['nosuid','nodev','noexec']" } },
      .findings = { CHANGED ("paths", "\"/proc\" mounted without \"noexec\"") } } },
  { "paths: a second procfs elsewhere escapes maskedPaths and readonlyPaths", NULL, ONLY ("paths", "enforce"),
    "{'linux':{'maskedPaths':" MASKED ",'readonlyPaths':" READONLY "},'mounts':[{'destination':'/proc',"
    "'type':'proc','source':'proc','options':['nosuid','noexec','nodev']},{'destination':'/mnt/proc',"
    "'type':'proc','source':'proc','options':['nosuid','noexec','nodev']}]}",
    { .findings = { REFUSED ("paths", "mounts[1]") }, .refused = true } },
  { "paths: a sysfs elsewhere is read-only too", NULL, ONLY ("paths", "enforce"),
    "{'linux':{'maskedPaths':" MASKED ",'readonlyPaths':" READONLY "},'mounts':[{'destination':'/host/sys',"
    "'type':'sysfs','source':'sysfs','options':['nosuid','noexec','nodev']}]}",
    { .checks = { { "mounts[0].options", "['nosuid','noexec','nodev','ro']" } },
      .findings = { CHANGED ("paths", "\"/host/sys\" mounted without \"ro\"") } } },

  { "paths: a cgroup2 elsewhere is read-only too", NULL, ONLY ("paths", "enforce"),
    "{'linux':{'maskedPaths':" MASKED ",'readonlyPaths':" READONLY "},'mounts':[{'destination':'/cg',"
    "'type':'cgroup2','source':'cgroup','options':['rw','nosuid']}]}",
    { .checks = { { "mounts[0].options", "['nosuid','ro']" } },
      .findings = { CHANGED ("paths", "\"/cg\" mounted without \"ro\"") } } },

  /* ---------------- mounts ---------------- */
  { "mounts: docker.sock by its source's name", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 (BIND ("/home/u/docker.sock", "/x.sock", "['rbind']")),
    { .findings = { REFUSED ("mounts", "mounts[0].source: bind mount of \"/home/u/docker.sock\" at \"/x.sock\": "
                                       "a container runtime socket") },
      .refused = true } },
  { "mounts: docker.sock by its destination's name", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 (BIND ("/tmp/s", "/var/run/docker.sock", "['rbind']")),
    { .findings = { REFUSED ("mounts", "a container runtime socket") }, .refused = true } },
  { "mounts: /run holds docker.sock", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 (BIND ("/run", "/host-run", "['rbind']")),
    { .findings = { REFUSED ("mounts", "directory holding one") }, .refused = true } },
  { "mounts: /var/run holds docker.sock", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 (BIND ("/var/run/", "/host-run", "['rbind']")),
    { .findings = { REFUSED ("mounts", "directory holding one") }, .refused = true } },
  { "mounts: /etc", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 (BIND ("/etc", "/host-etc", "['rbind','ro']")),
    { .findings = { REFUSED ("mounts", "\"/etc\" at \"/host-etc\": a sensitive host path") }, .refused = true } },
  { "mounts: /etc/shadow", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 (BIND ("/etc/shadow", "/shadow", "['bind']")),
    { .findings = { REFUSED ("mounts", "a sensitive host path") }, .refused = true } },
  { "mounts: /var/lib/docker/../../../etc is /etc", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 (BIND ("/var/lib/docker/../../../etc", "/x", "['rbind']")),
    { .findings = { REFUSED ("mounts", "bind mount of \"/etc\" at \"/x\": a sensitive host path") },
      .refused = true } },
  { "mounts: /var/lib/docker/../../etc is /var/etc, judged and bound as such", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 (BIND ("/var/lib/docker/../../etc", "/x", "['rbind','nosuid','nodev']")),
    { .out = MOUNTS1 (BIND ("/var/etc", "/x", "['rbind','nosuid','nodev']")),
      .findings = { CHANGED ("mounts", "mounts[0].source: bind source \"/var/lib/docker/../../etc\" leads to "
                                       "\"/var/etc\"; bound by that path") } } },
  { "mounts: a symlink that leads to /etc", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 (BIND ("/srv/config", "/x", "['rbind']")),
    { .findings = { REFUSED ("mounts", "bind mount of \"/etc\" at \"/x\": a sensitive host path") },
      .refused = true },
    .host = { .realpath = { { "/srv/config", "/etc" } } } },
  { "mounts: Docker's per-container files are allowed, and get nosuid,nodev", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 (BIND ("/var/lib/docker/containers/0123abcd/hostname", "/etc/hostname", "['rbind','rprivate']")),
    { .out = MOUNTS1 (BIND ("/var/lib/docker/containers/0123abcd/hostname", "/etc/hostname",
                            "['rbind','rprivate','nosuid','nodev']")),
      .findings = { CHANGED ("mounts", "mounts[0].options: bind mount at \"/etc/hostname\" without \"nosuid\""),
                    CHANGED ("mounts", "without \"nodev\"; added") } } },
  { "mounts: /var/lib/docker/containers itself", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 (BIND ("/var/lib/docker/containers", "/c", "['rbind','nosuid','nodev']")),
    { .findings = { REFUSED ("mounts", "a container engine's state directory") }, .refused = true } },
  { "mounts: a CRI sandbox's shm is allowed", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 (BIND ("/run/containerd/io.containerd.grpc.v1.cri/sandboxes/0123abcd/shm", "/dev/shm",
                   "['rbind','nosuid','nodev']")),
    { 0 } },
  { "mounts: hardrun's container records, at any depth", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 (BIND ("/run/hardrun/containers/14650fb0739d0383", "/r", "['rbind','nosuid','nodev']")),
    { .findings = { REFUSED ("mounts", "\"/run/hardrun/containers/14650fb0739d0383\" at \"/r\": a sensitive host path") },
      .refused = true } },
  { "mounts: hardrun's seccomp filter cache", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 (BIND ("/var/run/hardrun/seccomp/0123456789abcdef.json", "/f", "['bind','nosuid','nodev']")),
    { .findings = { REFUSED ("mounts", "a sensitive host path") }, .refused = true } },
  { "mounts: hardrun's audit trail", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 (BIND ("/var/log/hardrun", "/log", "['rbind','nosuid','nodev']")),
    { .findings = { REFUSED ("mounts", "a sensitive host path") }, .refused = true } },
  { "mounts: a source that is there but cannot be resolved (a symlink loop)", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 (BIND ("/srv/loop", "/x", "['rbind','nosuid','nodev']")),
    { .findings = { REFUSED ("mounts", "bind source \"/srv/loop\" cannot be resolved: too many symbolic links") },
      .refused = true },
    .host = { .realpath = { { "/srv/loop", "!ELOOP" } } } },
  { "mounts: a containerd shim socket directory entry", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 (BIND ("/run/containerd/s/x", "/s", "['rbind','nosuid','nodev']")),
    { .findings = { REFUSED ("mounts", "state directory") }, .refused = true } },
  { "mounts: a relative source starts at the bundle", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 (BIND ("../../etc/shadow", "/x", "['rbind']")),
    { .findings = { REFUSED ("mounts", "bind mount of \"/etc/shadow\"") }, .refused = true },
    .bundle = "/srv/bundle" },
  { "mounts: a relative source is resolved from the bundle", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 (BIND ("data", "/x", "['rbind']")),
    { .findings = { REFUSED ("mounts", "bind mount of \"/etc\"") }, .refused = true },
    .bundle = "/srv/bundle", .host = { .realpath = { { "/srv/bundle/data", "/etc" } } } },
  { "mounts: a plain relative source is allowed, bound by its resolved path", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 (BIND ("data", "/x", "['rbind','nosuid','nodev']")),
    { .out = MOUNTS1 (BIND ("/srv/bundle/data", "/x", "['rbind','nosuid','nodev']")),
      .findings = { CHANGED ("mounts", "bind source \"data\" leads to \"/srv/bundle/data\"") } },
    .bundle = "/srv/bundle" },
  { "mounts: a relative source that leads out of the bundle", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 (BIND ("../other", "/x", "['rbind','nosuid','nodev']")),
    { .findings = { REFUSED ("mounts", "relative bind source \"/srv/other\" leads out of the bundle, to "
                                       "\"/srv/other\"") },
      .refused = true },
    .bundle = "/srv/bundle" },
  { "mounts: a relative source whose symlink leads out of the bundle", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 (BIND ("data", "/x", "['rbind','nosuid','nodev']")),
    { .findings = { REFUSED ("mounts", "leads out of the bundle, to \"/srv/elsewhere\"") }, .refused = true },
    .bundle = "/srv/bundle", .host = { .realpath = { { "/srv/bundle/data", "/srv/elsewhere" } } } },
  /* resolved as runc will resolve it, later, from another process */
  { "mounts: a source that does not exist is refused", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 (BIND ("/srv/later", "/x", "['rbind','nosuid','nodev']")),
    { .findings = { REFUSED ("mounts", "mounts[0].source: bind source \"/srv/later\" does not exist") },
      .refused = true },
    .host = { .realpath = { { "/srv/later", NULL } } } },
  { "mounts: a source reached through a procfs link is refused", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 (BIND ("/srv/pid1-root/etc", "/x", "['rbind','nosuid','nodev']")),
    { .findings = { REFUSED ("mounts", "bind source \"/srv/pid1-root/etc\" is reached through a procfs link") },
      .refused = true },
    .host = { .realpath = { { "/srv/pid1-root/etc", "!EXDEV" } } } },
  { "mounts: a source inside root.path is refused (the container's own /proc)", NULL, ONLY ("mounts", "enforce"),
    "{'root':{'path':'rootfs'},'mounts':[{'destination':'/proc','type':'proc','source':'proc'},"
    BIND ("/bundle/rootfs/proc/1/root", "/x", "['rbind','nosuid','nodev']") "]}",
    { .findings = { REFUSED ("mounts", "mounts[1].source: bind source \"/bundle/rootfs/proc/1/root\" is inside "
                                       "the container's root filesystem \"/bundle/rootfs\"") },
      .refused = true } },
  { "mounts: a source under an earlier mount's destination is inside root.path", NULL, ONLY ("mounts", "enforce"),
    "{'root':{'path':'/images/r1'},'mounts':[" BIND ("/srv/etc-link-dir", "/links", "['rbind','nosuid','nodev']") ","
    BIND ("/srv/x", "/y", "['rbind','nosuid','nodev']") "]}",
    { .findings = { REFUSED ("mounts", "mounts[1].source: bind source \"/srv/x\" is inside the container's root "
                                       "filesystem \"/images/r1\"") },
      .refused = true },
    .host = { .realpath = { { "/srv/x", "/images/r1/links/etc" } } } },
  { "mounts: a volume onto which the host's / is mounted is judged as /", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 (BIND ("/var/lib/docker/volumes/v/_data", "/v", "['rbind','nosuid','nodev']")),
    { .findings = { REFUSED ("mounts", "bind mount of \"/var/lib/docker/volumes/v/_data\" at \"/v\": what is "
                                       "mounted there is the host's \"/\": the host's root filesystem") },
      .refused = true },
    .host = { .identity = { { "/var/lib/docker/volumes/v/_data", "/" } } } },
  { "mounts: a volume onto which /run is mounted holds a runtime socket", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 (BIND ("/var/lib/containers/storage/volumes/v/_data", "/v", "['rbind','ro','nosuid','nodev']")),
    { .findings = { REFUSED ("mounts", "the host's \"/run\": a container runtime socket or a directory holding "
                                       "one") },
      .refused = true },
    .ro_host_paths = { "/run" },
    .host = { .identity = { { "/var/lib/containers/storage/volumes/v/_data", "/run" } } } },
  { "mounts: a volume that is an overlay of the host's / is judged as /", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 (BIND ("/var/lib/docker/volumes/v/_data", "/v", "['rbind','nosuid','nodev']")),
    { .findings = { REFUSED ("mounts", "the overlay mounted there shows the host's \"/\": the host's root "
                                       "filesystem") },
      .refused = true },
    .host = { .layers = { { "/var/lib/docker/volumes/v/_data", "/:/var/lib/docker/volumes/v/up" } } } },
  { "mounts: an overlay of ordinary layers", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 (BIND ("/srv/ov", "/v", "['rbind','nosuid','nodev']")),
    { 0 },
    .host = { .layers = { { "/srv/ov", "/srv/lower1:/srv/lower2:/srv/upper" } } } },
  { "mounts: a volume that is a block device", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 (BIND ("/var/lib/docker/volumes/v/_data", "/v", "['rbind','nosuid','nodev']")),
    { .findings = { REFUSED ("mounts", "\"/var/lib/docker/volumes/v/_data\" at \"/v\": a block device") },
      .refused = true },
    .host = { .type = { { "/var/lib/docker/volumes/v/_data", 'b', 8, 0 } } } },
  { "mounts: a character device other than null, zero, full, random, urandom, tty", NULL,
    ONLY ("mounts", "enforce"),
    "{'mounts':[" BIND ("/srv/kmsg", "/kmsg", "['bind','nosuid','nodev']") ","
    BIND ("/srv/null", "/null", "['bind','nosuid','nodev']") "]}",
    { .findings = { REFUSED ("mounts", "mounts[0].source: bind mount of \"/srv/kmsg\" at \"/kmsg\": a device") },
      .refused = true },
    .host = { .type = { { "/srv/kmsg", 'c', 1, 11 }, { "/srv/null", 'c', 1, 3 } } } },
  { "mounts: a source others could swap for a symlink before runc mounts it", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 (BIND ("/srv/shared/vol", "/v", "['rbind','nosuid','nodev']")),
    { .findings = { REFUSED ("mounts", "bind source \"/srv/shared/vol\": \"/srv/shared\" is writable by anyone, "
                                       "who could replace it with a symlink") },
      .refused = true },
    .host = { .swappable = { { "/srv/shared/vol", "\"/srv/shared\" is writable by anyone" } } } },
  { "mounts: a parent owned by an id of the container's own user namespace (Podman's userdata)", NULL,
    ONLY ("mounts", "enforce"),
    "{'linux':{'namespaces':[{'type':'user'}],'uidMappings':[{'containerID':0,'hostID':100000,'size':65536}],"
    "'gidMappings':[{'containerID':0,'hostID':100000,'size':65536}]},'mounts':["
    BIND ("/srv/ud/hosts", "/etc/hosts", "['bind','nosuid','nodev']") "]}",
    { .findings = { NOTE ("mounts", "\"/srv/ud\" belongs to uid 100000, one of the ids of the container's own user "
                                    "namespace") } },
    .host = { .swappable = { { "/srv/ud/hosts", "\"/srv/ud\" belongs to uid 100000" } } } },
  { "mounts: a parent owned by an id outside the container's user namespace", NULL, ONLY ("mounts", "enforce"),
    "{'linux':{'namespaces':[{'type':'user'}],'uidMappings':[{'containerID':0,'hostID':100000,'size':65536}],"
    "'gidMappings':[{'containerID':0,'hostID':100000,'size':65536}]},'mounts':["
    BIND ("/srv/ud/hosts", "/etc/hosts", "['bind','nosuid','nodev']") "]}",
    { .findings = { REFUSED ("mounts", "\"/srv/ud\" belongs to uid 1000, who could replace it") }, .refused = true },
    .host = { .swappable = { { "/srv/ud/hosts", "\"/srv/ud\" belongs to uid 1000" } } } },
  { "mounts: a symlinked source is bound by where it leads", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 (BIND ("/srv/current", "/v", "['rbind','nosuid','nodev']")),
    { .out = MOUNTS1 (BIND ("/srv/releases/7", "/v", "['rbind','nosuid','nodev']")),
      .findings = { CHANGED ("mounts", "bind source \"/srv/current\" leads to \"/srv/releases/7\"; bound by "
                                       "that path") } },
    .host = { .realpath = { { "/srv/current", "/srv/releases/7" } } } },
  { "mounts: docker run --init binds docker-init read-only", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 (BIND ("/usr/bin/docker-init", "/sbin/docker-init", "['bind','ro','nosuid','nodev']")),
    { 0 },
    .host = { .type = { { "/usr/bin/docker-init", 'f', 0, 0 } } } },
  { "mounts: an engine's init program, writable, is refused", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 (BIND ("/usr/bin/catatonit", "/run/podman-init", "['bind','nosuid','nodev']")),
    { .findings = { REFUSED ("mounts", "a sensitive host path") }, .refused = true },
    .host = { .type = { { "/usr/bin/catatonit", 'f', 0, 0 } } } },
  { "mounts: another /usr file read-only is still refused", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 (BIND ("/usr/bin/python3", "/sbin/docker-init", "['bind','ro','nosuid','nodev']")),
    { .findings = { REFUSED ("mounts", "a sensitive host path") }, .refused = true },
    .host = { .type = { { "/usr/bin/python3", 'f', 0, 0 } } } },
  { "mounts: root.path onto which the host's / is mounted", NULL, ONLY ("rootfs", "enforce"),
    "{'root':{'path':'/var/lib/docker/volumes/v/_data','readonly':true},'mounts':[" TMPFS ("/tmp") "," TMPFS ("/run")
    "," TMPFS ("/var/tmp") "," TMPFS ("/var/cache") "," TMPFS ("/var/log") "]}",
    { .findings = { REFUSED ("rootfs", "root.path: root filesystem \"/var/lib/docker/volumes/v/_data\": what is "
                                       "mounted there is the host's \"/\"") },
      .refused = true },
    .host = { .identity = { { "/var/lib/docker/volumes/v/_data", "/" } } } },
  { "mounts: root.path below a directory others could change", NULL, ONLY ("rootfs", "enforce"),
    "{'root':{'path':'/home/u/img','readonly':true},'mounts':[" TMPFS ("/tmp") "," TMPFS ("/run") ","
    TMPFS ("/var/tmp") "," TMPFS ("/var/cache") "," TMPFS ("/var/log") "]}",
    { .findings = { REFUSED ("rootfs", "root.path: root filesystem \"/home/u/img\": \"/home/u\" belongs to uid "
                                       "1000, who could replace it") },
      .refused = true },
    .host = { .swappable = { { "/home/u/img", "\"/home/u\" belongs to uid 1000" } } } },
  { "mounts: root.path through a procfs link", NULL, ONLY ("rootfs", "enforce"),
    "{'root':{'path':'/srv/pid1-root','readonly':true},'mounts':[" TMPFS ("/tmp") "," TMPFS ("/run") ","
    TMPFS ("/var/tmp") "," TMPFS ("/var/cache") "," TMPFS ("/var/log") "]}",
    { .findings = { REFUSED ("rootfs", "root.path: root filesystem \"/srv/pid1-root\" is reached through a "
                                       "procfs link") },
      .refused = true },
    .host = { .realpath = { { "/srv/pid1-root", "!EXDEV" } } } },
  { "mounts: an ext4 mount of a host disk", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 ("{'destination':'/mnt','type':'ext4','source':'/dev/sda1'}"),
    { .findings = { REFUSED ("mounts", "mounts[0]: mount of type \"ext4\" (source \"/dev/sda1\") at \"/mnt\" "
                                       "could reach host devices") },
      .refused = true } },
  { "mounts: binds get nosuid and nodev", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 (BIND ("/srv/data", "/data", "['rbind']")),
    { .out = MOUNTS1 (BIND ("/srv/data", "/data", "['rbind','nosuid','nodev']")),
      .findings = { CHANGED ("mounts", "nosuid"), CHANGED ("mounts", "nodev") } } },
  { "mounts: \"suid\" and \"dev\" after \"nosuid\" and \"nodev\" win", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 (BIND ("/srv/data", "/data", "['rbind','nosuid','nodev','suid','dev']")),
    { .out = MOUNTS1 (BIND ("/srv/data", "/data", "['rbind','nosuid','nodev']")),
      .findings = { CHANGED ("mounts", "nosuid"), CHANGED ("mounts", "nodev") } } },
  { "mounts: shared propagation becomes private", NULL, ONLY ("mounts", "enforce"),
    "{'mounts':[" BIND ("/srv/a", "/a", "['rbind','nosuid','nodev','shared']") ","
    BIND ("/srv/b", "/b", "['rbind','rshared','nosuid','nodev']") "]}",
    { .out = "{'mounts':[" BIND ("/srv/a", "/a", "['rbind','nosuid','nodev','private']") ","
             BIND ("/srv/b", "/b", "['rbind','nosuid','nodev','rprivate']") "]}",
      .findings = { CHANGED ("mounts", "mounts[0].options: mount at \"/a\" has \"shared\" propagation; made "
                                       "\"private\""),
                    CHANGED ("mounts", "mounts[1].options: mount at \"/b\" has \"rshared\"") } } },
  { "mounts: rootfsPropagation rshared becomes rprivate", NULL, ONLY ("mounts", "enforce"),
    "{'linux':{'rootfsPropagation':'rshared'}}",
    { .out = "{'linux':{'rootfsPropagation':'rprivate'}}",
      .findings = { CHANGED ("mounts", "linux.rootfsPropagation: \"rshared\" propagation; made \"rprivate\"") } } },
  { "mounts: readonlyHostPaths lets a read-only bind through", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 (BIND ("/etc/ssl/certs", "/etc/ssl/certs", "['rbind','ro','nosuid','nodev']")),
    { 0 },
    .ro_host_paths = { "/etc/ssl" } },
  { "mounts: readonlyHostPaths needs \"ro\"", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 (BIND ("/etc/ssl/certs", "/etc/ssl/certs", "['rbind','nosuid','nodev']")),
    { .findings = { REFUSED ("mounts", "a sensitive host path") }, .refused = true },
    .ro_host_paths = { "/etc/ssl" } },
  { "mounts: readonlyHostPaths needs \"ro\" to be the last word", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 (BIND ("/etc/ssl/certs", "/etc/ssl/certs", "['rbind','ro','nosuid','nodev','rw']")),
    { .findings = { REFUSED ("mounts", "a sensitive host path") }, .refused = true },
    .ro_host_paths = { "/etc/ssl" } },
  { "mounts: readonlyHostPaths does not reach a sibling", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 (BIND ("/etc/ssl-private", "/k", "['rbind','ro','nosuid','nodev']")),
    { .findings = { REFUSED ("mounts", "a sensitive host path") }, .refused = true },
    .ro_host_paths = { "/etc/ssl" } },
  { "mounts: the host's root", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 (BIND ("/", "/host", "['rbind','ro']")),
    { .findings = { REFUSED ("mounts", "the host's root filesystem") }, .refused = true } },
  { "mounts: host binaries in /usr", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 (BIND ("/usr/bin", "/hostbin", "['rbind','nosuid','nodev']")),
    { .findings = { REFUSED ("mounts", "a sensitive host path") }, .refused = true } },
  { "mounts: host libraries in /lib", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 (BIND ("/lib/x86_64-linux-gnu", "/hostlib", "['rbind','nosuid','nodev']")),
    { .findings = { REFUSED ("mounts", "a sensitive host path") }, .refused = true } },
  { "mounts: the system D-Bus socket", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 (BIND ("/run/dbus/system_bus_socket", "/run/dbus/system_bus_socket", "['rbind','nosuid','nodev']")),
    { .findings = { REFUSED ("mounts", "mounts[0].source") }, .refused = true } },
  { "mounts: systemd's private socket", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 (BIND ("/run/systemd", "/run/systemd", "['rbind','nosuid','nodev']")),
    { .findings = { REFUSED ("mounts", "mounts[0].source") }, .refused = true } },
  { "mounts: systemd's journal socket is only a log", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 (BIND ("/run/systemd/journal/socket", "/run/systemd/journal/socket", "['rbind','nosuid','nodev']")),
    { 0 } },
  { "mounts: readonlyHostPaths never lets a runtime socket through", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 (BIND ("/var/run/docker.sock", "/var/run/docker.sock", "['rbind','ro','nosuid','nodev']")),
    { .findings = { REFUSED ("mounts", "a container runtime socket") }, .refused = true },
    .ro_host_paths = { "/var/run" } },
  { "mounts: a bind without a source", NULL, ONLY ("mounts", "enforce"),
    MOUNTS1 ("{'destination':'/x','type':'bind','options':['rbind']}"),
    { .findings = { REFUSED ("mounts", "has no source") }, .refused = true } },
  { "mounts: audit reports a refusal and changes nothing", NULL, ONLY ("mounts", "audit"),
    "{'mounts':[" BIND ("/etc", "/host-etc", "['rbind']") "," BIND ("/srv/data", "/data", "['rbind','shared']")
    "]}",
    { .findings = { AUDIT ("mounts", "a sensitive host path"), AUDIT ("mounts", "nosuid"),
                    AUDIT ("mounts", "nodev"), AUDIT ("mounts", "\"shared\" propagation") } } },
  { "mounts: deny refuses what enforce would fix", NULL, ONLY ("mounts", "deny"),
    MOUNTS1 (BIND ("/srv/data", "/data", "['rbind','nodev']")),
    { .findings = { REFUSED ("mounts", "without \"nosuid\"") }, .refused = true } },
  { "mounts: off", NULL, ONLY ("mounts", "off"),
    MOUNTS1 (BIND ("/var/run/docker.sock", "/var/run/docker.sock", "['rbind']")),
    { 0 } },
  { "mounts: the usual kernel filesystems", NULL, ONLY ("mounts", "enforce"),
    "{'mounts':[{'destination':'/proc','type':'proc','source':'proc'},{'destination':'/dev','type':'tmpfs',"
    "'source':'tmpfs'},{'destination':'/dev/pts','type':'devpts','source':'devpts'},{'destination':'/dev/mqueue',"
    "'type':'mqueue','source':'mqueue'},{'destination':'/sys','type':'sysfs','source':'sysfs','options':['ro']},"
    "{'destination':'/sys/fs/cgroup','type':'cgroup','source':'cgroup','options':['ro']}]}",
    { 0 } },

  /* ---------------- devices ---------------- */
  { "devices: judged by number; allow-all rule replaced by deny-all", NULL, ONLY ("devices", "enforce"),
    "{'linux':{'devices':[{'path':'/dev/null','type':'c','major':8,'minor':0},"
    "{'path':'/dev/zero','type':'c','major':1,'minor':5},{'path':'/dev/pts/0','type':'c','major':136,'minor':0},"
    "{'path':'/dev/sda','type':'b','major':8,'minor':0},{'path':'/dev/mem','type':'c','major':1,'minor':1}],"
    "'resources':{'devices':[{'allow':true,'access':'rwm'}]}}}",
    { .out = "{'linux':{'devices':[{'path':'/dev/zero','type':'c','major':1,'minor':5},"
             "{'path':'/dev/pts/0','type':'c','major':136,'minor':0}],'resources':{'devices':[" DENY_ALL ","
             "{'allow':true,'type':'c','major':1,'minor':5,'access':'rwm'},"
             "{'allow':true,'type':'c','major':136,'minor':0,'access':'rwm'}]}}}",
      .findings = { CHANGED ("devices", "linux.devices[4]: host device \"/dev/mem\" (c 1:1); removed"),
                    CHANGED ("devices", "linux.devices[3]: host device \"/dev/sda\" (b 8:0)"),
                    CHANGED ("devices", "linux.devices[0]: host device \"/dev/null\" (c 8:0)"),
                    CHANGED ("devices", "linux.resources.devices[0]: device cgroup rule allows more"),
                    CHANGED ("devices", "linux.resources.devices: no leading deny-all rule; added"),
                    CHANGED ("devices", "linux.devices[0]: kept device \"/dev/zero\" (c 1:5) has no device cgroup"),
                    CHANGED ("devices", "linux.devices[1]: kept device \"/dev/pts/0\" (c 136:0)") } } },
  { "devices: a kept device denied by a later rule gets its allow rule back", NULL, ONLY ("devices", "enforce"),
    "{'linux':{'devices':[{'path':'/dev/null','type':'c','major':1,'minor':3}],'resources':{'devices':[" DENY_ALL ","
    "{'allow':true,'type':'c','major':1,'minor':3,'access':'rwm'},{'allow':false,'type':'c','major':1,'access':'w'},"
    "{'allow':false,'type':'c','major':1,'minor':3,'access':'m'}]}}}",
    { .checks = { { "linux.resources.devices[4]", "{'allow':true,'type':'c','major':1,'minor':3,'access':'rwm'}" },
                  { "linux.resources.devices[5]", NULL } },
      .findings = { CHANGED ("devices", "kept device \"/dev/null\" (c 1:3) has no device cgroup rule") } } },
  { "devices: audit mode reports a kept device without a rule", NULL, ONLY ("devices", "audit"),
    "{'linux':{'devices':[{'path':'/dev/null','type':'c','major':1,'minor':3}],'resources':{'devices':[" DENY_ALL "]}}}",
    { .findings = { AUDIT ("devices", "kept device \"/dev/null\"") } } },
  { "devices: Docker's rules are kept", NULL, ONLY ("devices", "enforce"),
    "{'linux':{'devices':[{'path':'/dev/null','type':'c','major':1,'minor':3}],'resources':{'devices':["
    "{'allow':false,'access':'rwm'},{'allow':true,'type':'c','major':1,'minor':3,'access':'rwm'},"
    "{'allow':true,'type':'c','major':136,'access':'rwm'},{'allow':true,'type':'c','major':5,'minor':2,"
    "'access':'rwm'},{'allow':false,'type':'c','major':10,'minor':229,'access':'rwm'}]}}}",
    { 0 } },
  { "devices: no rules at all get a deny-all", NULL, ONLY ("devices", "enforce"),
    "{'process':{'args':['sh']}}",
    { .out = "{'process':{'args':['sh']},'linux':{'resources':{'devices':[" DENY_ALL "]}}}",
      .findings = { CHANGED ("devices", "no leading deny-all rule") } } },
  { "devices: a rule for a disk goes", NULL, ONLY ("devices", "enforce"),
    "{'linux':{'resources':{'devices':[" DENY_ALL ",{'allow':true,'type':'b','major':8,'minor':0,'access':'rw'},"
    "{'allow':true,'type':'c','access':'rwm'}]}}}",
    { .out = "{'linux':{'resources':{'devices':[" DENY_ALL "]}}}",
      .findings = { CHANGED ("devices", "linux.resources.devices[2]"),
                    CHANGED ("devices", "linux.resources.devices[1]") } } },
  { "devices: audit", NULL, ONLY ("devices", "audit"),
    "{'linux':{'devices':[{'path':'/dev/sda','type':'b','major':8,'minor':0}]}}",
    { .findings = { AUDIT ("devices", "/dev/sda"), AUDIT ("devices", "deny-all") } } },
  { "devices: deny", NULL, ONLY ("devices", "deny"),
    "{'linux':{'resources':{'devices':[" DENY_ALL "]},'devices':[{'path':'/dev/sda','type':'b','major':8,"
    "'minor':0}]}}",
    { .findings = { REFUSED ("devices", "/dev/sda") }, .refused = true } },
  { "devices: off", NULL, ONLY ("devices", "off"),
    "{'linux':{'devices':[{'path':'/dev/sda','type':'b','major':8,'minor':0}]}}",
    { 0 } },

  /* ---------------- namespaces ---------------- */
  { "namespaces: missing pid, ipc, uts and mount are added", NULL, ONLY ("namespaces", "enforce"),
    "{'linux':{'namespaces':[{'type':'network'}]}}",
    { .out = "{'linux':{'namespaces':[{'type':'network'}," OTHER_NS "]}}",
      .findings = { CHANGED ("namespaces", "linux.namespaces: uses the host's pid namespace; given its own"),
                    CHANGED ("namespaces", "ipc"), CHANGED ("namespaces", "uts"),
                    CHANGED ("namespaces", "mount") } } },
  { "namespaces: a missing network namespace is refused", NULL, ONLY ("namespaces", "enforce"),
    "{'linux':{'namespaces':[" OTHER_NS "]}}",
    { .findings = { REFUSED ("namespaces", "uses the host's network namespace") }, .refused = true } },
  { "namespaces: joining the host's namespace by path", NULL, ONLY ("namespaces", "enforce"),
    "{'linux':{'namespaces':[" OTHER_NS ",{'type':'network','path':'/proc/1/ns/net'}]}}",
    { .findings = { REFUSED ("namespaces", "linux.namespaces[4]: joins the host's network namespace through "
                                           "\"/proc/1/ns/net\"") },
      .refused = true },
    .host = { .host_ns = { "/proc/1/ns/net" } } },
  { "namespaces: a path that cannot be examined", NULL, ONLY ("namespaces", "enforce"),
    "{'linux':{'namespaces':[" OTHER_NS ",{'type':'network','path':'/nonexistent/ns/net'}]}}",
    { .findings = { REFUSED ("namespaces", "cannot tell whether \"/nonexistent/ns/net\" is the host's") },
      .refused = true } },
  { "namespaces: a sandbox's namespace by path is fine", NULL, ONLY ("namespaces", "enforce"),
    "{'linux':{'namespaces':[{'type':'pid'},{'type':'ipc','path':'/proc/4242/ns/ipc'},{'type':'uts',"
    "'path':'/proc/4242/ns/uts'},{'type':'mount'},{'type':'network','path':'/proc/4242/ns/net'}]}}",
    { 0 },
    .host = { .host_ns = { "/proc/1/ns/net" } } },
  { "namespaces: a path through a procfs link", NULL, ONLY ("namespaces", "enforce"),
    "{'linux':{'namespaces':[" OTHER_NS ",{'type':'network','path':'/proc/4242/root/proc/1/ns/net'}]}}",
    { .findings = { REFUSED ("namespaces", "linux.namespaces[4]: namespace path "
                                           "\"/proc/4242/root/proc/1/ns/net\" is reached through a procfs link") },
      .refused = true },
    .host = { .realpath = { { "/proc/4242/root/proc/1/ns", "!EXDEV" } } } },
  { "namespaces: a path in the container's root filesystem", NULL, ONLY ("namespaces", "enforce"),
    "{'root':{'path':'rootfs'},'linux':{'namespaces':[" OTHER_NS ",{'type':'network','path':'/bundle/rootfs/ns'}]}}",
    { .findings = { REFUSED ("namespaces", "namespace path \"/bundle/rootfs/ns\" is inside the container's root "
                                           "filesystem") },
      .refused = true } },
  { "namespaces: audit", NULL, ONLY ("namespaces", "audit"),
    "{'linux':{'namespaces':[{'type':'pid'},{'type':'ipc'},{'type':'uts'}]}}",
    { .findings = { AUDIT ("namespaces", "mount namespace"), AUDIT ("namespaces", "network namespace") } } },
  { "namespaces: deny", NULL, ONLY ("namespaces", "deny"),
    "{'linux':{'namespaces':[{'type':'network'},{'type':'ipc'},{'type':'uts'},{'type':'mount'}]}}",
    { .findings = { REFUSED ("namespaces", "pid namespace") }, .refused = true } },
  { "namespaces: off", NULL, ONLY ("namespaces", "off"),
    "{'linux':{}}",
    { 0 } },

  /* ---------------- sysctls ---------------- */
  { "sysctls: safe kept, unsafe removed", NULL, ONLY ("sysctls", "enforce"),
    "{'linux':{'sysctl':{'net.ipv4.tcp_syncookies':'1','kernel.core_pattern':'|/tmp/x',"
    "'net.ipv4.ip_unprivileged_port_start':'0','kernel.shm_rmid_forced':'1','net.ipv4.ip_forward':'1'}}}",
    { .out = "{'linux':{'sysctl':{'net.ipv4.tcp_syncookies':'1','net.ipv4.ip_unprivileged_port_start':'0',"
             "'kernel.shm_rmid_forced':'1'}}}",
      .findings = { CHANGED ("sysctls", "linux.sysctl.net.ipv4.ip_forward: sysctl \"net.ipv4.ip_forward\" is not "
                                        "allowed; removed"),
                    CHANGED ("sysctls", "kernel.core_pattern") } } },
  { "sysctls: own network namespace: low ports opened to every user", NULL, ONLY ("sysctls", "enforce"),
    "{'linux':{'namespaces':[{'type':'network'}]}}",
    { .out = "{'linux':{'namespaces':[{'type':'network'}],'sysctl':{'net.ipv4.ip_unprivileged_port_start':'0'}}}",
      .findings = { CHANGED ("sysctls", "linux.sysctl.net.ipv4.ip_unprivileged_port_start: ports below 1024 would "
                                        "need a capability; set net.ipv4.ip_unprivileged_port_start=0") } } },
  { "sysctls: a pod's network namespace joined by path counts as the container's own", NULL,
    ONLY ("sysctls", "enforce"),
    "{'linux':{'namespaces':[{'type':'network','path':'/proc/42/ns/net'}]}}",
    { .checks = { { "linux.sysctl['net.ipv4.ip_unprivileged_port_start']", "'0'" } },
      .findings = { CHANGED ("sysctls", "ip_unprivileged_port_start") } } },
  { "sysctls: the host's network namespace keeps its ports", NULL, ONLY ("sysctls", "enforce"),
    "{'linux':{'namespaces':[{'type':'network','path':'/run/netns/host'},{'type':'pid'}]}}",
    { 0 }, .host = { .host_ns = { "/run/netns/host" } } },
  { "sysctls: no network namespace, no sysctl", NULL, ONLY ("sysctls", "enforce"),
    "{'linux':{'namespaces':[{'type':'pid'}]}}",
    { 0 } },
  { "sysctls: the spec's own value wins", NULL, ONLY ("sysctls", "enforce"),
    "{'linux':{'namespaces':[{'type':'network'}],'sysctl':{'net.ipv4.ip_unprivileged_port_start':'1024'}}}",
    { 0 } },
  { "sysctls: audit", NULL, ONLY ("sysctls", "audit"),
    "{'linux':{'sysctl':{'kernel.core_pattern':'|/tmp/x'}}}",
    { .findings = { AUDIT ("sysctls", "kernel.core_pattern") } } },
  { "sysctls: deny", NULL, ONLY ("sysctls", "deny"),
    "{'linux':{'sysctl':{'kernel.core_pattern':'|/tmp/x'}}}",
    { .findings = { REFUSED ("sysctls", "kernel.core_pattern") }, .refused = true } },
  { "sysctls: off", NULL, ONLY ("sysctls", "off"),
    "{'linux':{'sysctl':{'kernel.core_pattern':'|/tmp/x'}}}",
    { 0 } },

  /* ---------------- hooks ---------------- */
  { "hooks: Docker's libnetwork hook kept by its whole argv, others removed", NULL, ONLY ("hooks", "enforce"),
    "{'hooks':{'prestart':[{'path':'/usr/bin/dockerd'},{'path':'/tmp/evil','args':['evil']}],"
    "'createRuntime':[" SETKEY ("c1", "") "],"
    "'poststop':[{'path':'/usr/local/bin/cleanup'}]}}",
    { .out = "{'hooks':{'prestart':[],'createRuntime':[" SETKEY ("c1", "") "],'poststop':[]}}",
      .findings = { CHANGED ("hooks", "hooks.prestart[1]: hook \"/tmp/evil\" matches no entry of the allowlist"),
                    CHANGED ("hooks", "hooks.prestart[0]: hook \"/usr/bin/dockerd\" matches no entry"),
                    CHANGED ("hooks", "hooks.poststop[0]: hook \"/usr/local/bin/cleanup\"") } },
    .host = { .realpath = { { "/proc/4242/exe", "/usr/sbin/dockerd" } } } },
  { "hooks: dockerd with another container's ID, more arguments, an env or a relative exec root", NULL,
    ONLY ("hooks", "enforce"),
    "{'hooks':{'prestart':[" SETKEY ("c2", "") "," SETKEY ("c1", ",'--debug'") ","
    "{'path':'/proc/4242/exe','args':['libnetwork-setkey','-exec-root=/run/docker','c1','26cfa0f99724'],"
    "'env':['LD_PRELOAD=/tmp/x.so']},"
    "{'path':'/proc/4242/exe','args':['libnetwork-setkey','-exec-root=run','c1','26cfa0f99724']},"
    "{'path':'/proc/4242/exe','args':['libnetwork-setkey','-exec-root=/run/docker','c1','26CFA0F99724']},"
    "{'path':'/usr/bin/dockerd','args':['dockerd','-H','tcp://0.0.0.0:2375']}]}}",
    { .out = "{'hooks':{'prestart':[]}}",
      .findings = { CHANGED ("hooks", "hooks.prestart[5]: hook \"/usr/bin/dockerd -H tcp://0.0.0.0:2375\""),
                    CHANGED ("hooks", "hooks.prestart[4]"), CHANGED ("hooks", "hooks.prestart[3]"),
                    CHANGED ("hooks", "hooks.prestart[2]"), CHANGED ("hooks", "hooks.prestart[1]"),
                    CHANGED ("hooks", "hooks.prestart[0]") } },
    .host = { .realpath = { { "/proc/4242/exe", "/usr/sbin/dockerd" } } } },
  { "hooks: hardrun-hook from the spec goes, whatever its path; hardrun's own entry stays", NULL,
    ONLY ("hooks", "enforce"),
    "{'hooks':{'poststart':[{'path':'" HARDRUN_LIBEXECDIR "/hardrun-hook','args':['hardrun-hook','poststart',"
    "'0123456789abcdef']}],'poststop':[{'path':'" HARDRUN_LIBEXECDIR "/hardrun-hook','args':['hardrun-hook',"
    "'--audit-file','/etc/cron.d/x','poststop']},{'path':'/tmp/copy/hardrun-hook'},"
    "{'path':'/tmp/link','args':['x']},{'path':'" HARDRUN_LIBEXECDIR "/hardrun-hook','args':['hardrun-hook',"
    "'poststop','0123456789abcdef'],'env':['X=1']}]}}",
    { .out = "{'hooks':{'poststart':[{'path':'" HARDRUN_LIBEXECDIR "/hardrun-hook','args':['hardrun-hook',"
             "'poststart','0123456789abcdef']}],'poststop':[]}}",
      .findings = { CHANGED ("hooks", "hooks.poststop[3]: hook \"" HARDRUN_LIBEXECDIR "/hardrun-hook poststop "
                                      "0123456789abcdef\": hardrun's own hook is never taken from the spec"),
                    CHANGED ("hooks", "hooks.poststop[2]: hook \"/tmp/link\": hardrun's own hook"),
                    CHANGED ("hooks", "hooks.poststop[1]: hook \"/tmp/copy/hardrun-hook\": hardrun's own hook"),
                    CHANGED ("hooks", "hooks.poststop[0]: hook \"" HARDRUN_LIBEXECDIR "/hardrun-hook --audit-file "
                                      "/etc/cron.d/x poststop\": hardrun's own hook") } },
    .host = { .realpath = { { "/tmp/link", HARDRUN_LIBEXECDIR "/hardrun-hook" } } } },
  { "hooks: hardrun's own entry with the same sink and another list of changes stays; another sink goes", NULL,
    ONLY ("hooks", "enforce"),
    "{'hooks':{'poststart':[{'path':'" HARDRUN_LIBEXECDIR "/hardrun-hook','args':['hardrun-hook','poststart',"
    "'01234567fedcba98']}],'poststop':[{'path':'" HARDRUN_LIBEXECDIR "/hardrun-hook','args':['hardrun-hook',"
    "'poststop','76543210abcdef01']}]}}",
    { .out = "{'hooks':{'poststart':[{'path':'" HARDRUN_LIBEXECDIR "/hardrun-hook','args':['hardrun-hook',"
             "'poststart','01234567fedcba98']}],'poststop':[]}}",
      .findings = { CHANGED ("hooks", "hooks.poststop[0]: hook \"" HARDRUN_LIBEXECDIR "/hardrun-hook poststop "
                                      "76543210abcdef01\": hardrun's own hook is never taken from the spec") } } },
  { "hooks: hardrun's own entry with an attestation token stays; with a path or text for one it goes", NULL,
    ONLY ("hooks", "enforce"),
    "{'hooks':{'poststart':[{'path':'" HARDRUN_LIBEXECDIR "/hardrun-hook','args':['hardrun-hook','poststart',"
    "'0123456789abcdef','--attest','uid=65534,gid=65534,caps=0:0:0:0:0,nnp=1,seccomp=1,ro=1']},"
    "{'path':'" HARDRUN_LIBEXECDIR "/hardrun-hook','args':['hardrun-hook','poststart','0123456789abcdef',"
    "'--attest','/etc/cron.d/x']},"
    "{'path':'" HARDRUN_LIBEXECDIR "/hardrun-hook','args':['hardrun-hook','poststart','0123456789abcdef',"
    "'--monitor','/tmp/m.sock']}]}}",
    { .out = "{'hooks':{'poststart':[{'path':'" HARDRUN_LIBEXECDIR "/hardrun-hook','args':['hardrun-hook',"
             "'poststart','0123456789abcdef','--attest','uid=65534,gid=65534,caps=0:0:0:0:0,nnp=1,seccomp=1,ro=1']}]}}",
      .findings = { CHANGED ("hooks", "hooks.poststart[2]: hook \"" HARDRUN_LIBEXECDIR "/hardrun-hook poststart "
                                      "0123456789abcdef --monitor /tmp/m.sock\": hardrun's own hook"),
                    CHANGED ("hooks", "hooks.poststart[1]: hook \"" HARDRUN_LIBEXECDIR "/hardrun-hook poststart "
                                      "0123456789abcdef --attest /etc/cron.d/x\": hardrun's own hook") } } },
  { "hooks: an allowlisted name that leads elsewhere", NULL, ONLY ("hooks", "enforce"),
    "{'hooks':{'prestart':[{'path':'/usr/bin/dockerd'}]}}",
    { .out = "{'hooks':{'prestart':[]}}", .findings = { CHANGED ("hooks", "hooks.prestart[0]") } },
    .host = { .realpath = { { "/usr/bin/dockerd", "/tmp/evil" } } } },
  { "hooks: a relative path", NULL, ONLY ("hooks", "enforce"),
    "{'hooks':{'startContainer':[{'path':'usr/bin/dockerd'}]}}",
    { .out = "{'hooks':{'startContainer':[]}}", .findings = { CHANGED ("hooks", "hooks.startContainer[0]") } } },
  { "hooks: audit", NULL, ONLY ("hooks", "audit"),
    "{'hooks':{'createContainer':[{'path':'/tmp/evil'}]}}",
    { .findings = { AUDIT ("hooks", "/tmp/evil") } } },
  { "hooks: deny", NULL, ONLY ("hooks", "deny"),
    "{'hooks':{'poststart':[{'path':'/tmp/evil'}]}}",
    { .findings = { REFUSED ("hooks", "/tmp/evil") }, .refused = true } },
  { "hooks: off", NULL, ONLY ("hooks", "off"),
    "{'hooks':{'prestart':[{'path':'/tmp/evil'}]}}",
    { 0 } },

  /* ---------------- images ---------------- */
#define IMAGE(type, ref)                                                                                              \
  "{'annotations':{'io.kubernetes.cri.container-type':'" type "','io.kubernetes.cri.image-name':'" ref "'}}"
#define DIGEST "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
  { "images: a repository on the allowlist, any tag", NULL, ONLY ("images", "enforce"),
    IMAGE ("container", "docker.io/library/busybox:1.36"), { 0 },
    .images = { "docker.io/library/busybox" }, .cri = true },
  { "images: a registry glob", NULL, ONLY ("images", "enforce"),
    IMAGE ("container", "registry.example.com:5000/team/app@" DIGEST), { 0 },
    .images = { "registry.example.com:5000/team/*" }, .cri = true },
  { "images: another repository is refused", NULL, ONLY ("images", "enforce"),
    IMAGE ("container", "docker.io/library/busybox-evil:1"),
    { .findings = { REFUSED ("images", "image \"docker.io/library/busybox-evil:1\" is not on the allowlist") },
      .refused = true },
    .images = { "docker.io/library/busybox", "registry.example.com/*" }, .cri = true },
  { "images: a required digest, given", NULL, ONLY ("images", "deny"),
    IMAGE ("container", "docker.io/library/nginx@" DIGEST), { 0 },
    .images = { "docker.io/library/nginx@" DIGEST }, .cri = true },
  { "images: a required digest, a tag given", NULL, ONLY ("images", "enforce"),
    IMAGE ("container", "docker.io/library/nginx:1.25"),
    { .findings = { REFUSED ("images", "not on the allowlist") }, .refused = true },
    .images = { "docker.io/library/nginx@" DIGEST }, .cri = true },
  { "images: a required digest, another digest given", NULL, ONLY ("images", "enforce"),
    IMAGE ("container", "docker.io/library/nginx@sha256:1123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
    { .findings = { REFUSED ("images", "not on the allowlist") }, .refused = true },
    .images = { "docker.io/library/nginx@" DIGEST }, .cri = true },
  { "images: audit reports", NULL, ONLY ("images", "audit"),
    IMAGE ("container", "quay.io/x/y:1"), { .findings = { AUDIT ("images", "quay.io/x/y:1") } },
    .images = { "docker.io/*" }, .cri = true },
  { "images: a forged image name from another caller is not trusted", NULL, ONLY ("images", "enforce"),
    IMAGE ("container", "docker.io/library/busybox:1.36"),
    { .findings = { REFUSED ("images", "only containerd's CRI names an image hardrun can trust") }, .refused = true },
    .images = { "docker.io/library/busybox" } },
  { "images: the sandbox runs containerd's own image", NULL, ONLY ("images", "enforce"),
    IMAGE ("sandbox", "registry.k8s.io/pause:3.9"), { 0 }, .images = { "docker.io/*" }, .cri = true },
  { "images: an empty allowlist checks nothing", NULL, ONLY ("images", "deny"),
    IMAGE ("container", "quay.io/x/y:1"), { 0 } },
  { "images: off", NULL, ONLY ("images", "off"),
    IMAGE ("container", "quay.io/x/y:1"), { 0 }, .images = { "docker.io/*" }, .cri = true },

  /* ---------------- annotations ---------------- */
  { "annotations: run.oci.*, org.criu.config, org.systemd.property.* go", NULL, ONLY ("annotations", "enforce"),
    "{'annotations':{'run.oci.seccomp_bpf_data':'AAAA','io.kubernetes.cri.container-type':'container',"
    "'RUN.OCI.HOOKS':'x','org.criu.config':'/tmp/c','org.systemd.property.CPUQuota':'1%',"
    "'run.ocifoo':'kept','org.opencontainers.image.title':'t'}}",
    { .out = "{'annotations':{'io.kubernetes.cri.container-type':'container','run.ocifoo':'kept',"
             "'org.opencontainers.image.title':'t'}}",
      .findings = { CHANGED ("annotations", "annotations.run.oci.seccomp_bpf_data: annotation "
                                            "\"run.oci.seccomp_bpf_data\" changes the runtime's behaviour; removed"),
                    CHANGED ("annotations", "\"RUN.OCI.HOOKS\""), CHANGED ("annotations", "\"org.criu.config\""),
                    CHANGED ("annotations", "\"org.systemd.property.CPUQuota\"") } } },
  { "annotations: audit", NULL, ONLY ("annotations", "audit"),
    "{'annotations':{'org.criu.config':'/tmp/c'}}",
    { .findings = { AUDIT ("annotations", "org.criu.config") } } },
  { "annotations: deny", NULL, ONLY ("annotations", "deny"),
    "{'annotations':{'run.oci.keep_original_groups':'1'}}",
    { .findings = { REFUSED ("annotations", "run.oci.keep_original_groups") }, .refused = true } },
  { "annotations: off", NULL, ONLY ("annotations", "off"),
    "{'annotations':{'org.criu.config':'/tmp/c'}}",
    { 0 } },

  /* ---------------- pids ---------------- */
  { "pids: no limit gets 4096", NULL, ONLY ("pids", "enforce"),
    "{'process':{'args':['sh']}}",
    { .out = "{'process':{'args':['sh']},'linux':{'resources':{'pids':{'limit':4096}}}}",
      .findings = { CHANGED ("pids", "linux.resources.pids.limit: no limit; set to 4096") } } },
  { "pids: 0 is unlimited", NULL, ONLY ("pids", "enforce"),
    "{'linux':{'resources':{'pids':{'limit':0}}}}",
    { .out = "{'linux':{'resources':{'pids':{'limit':4096}}}}",
      .findings = { CHANGED ("pids", "unlimited; set to 4096") } } },
  { "pids: -1 is unlimited", NULL, ONLY ("pids", "enforce"),
    "{'linux':{'resources':{'memory':{'limit':1048576},'pids':{'limit':-1}}}}",
    { .out = "{'linux':{'resources':{'memory':{'limit':1048576},'pids':{'limit':4096}}}}",
      .findings = { CHANGED ("pids", "unlimited") } } },
  { "pids: 100 is kept", NULL, ONLY ("pids", "enforce"),
    "{'linux':{'resources':{'pids':{'limit':100}}}}",
    { 0 } },
  { "pids: audit", NULL, ONLY ("pids", "audit"),
    "{'linux':{}}",
    { .findings = { AUDIT ("pids", "no limit") } } },
  { "pids: deny", NULL, ONLY ("pids", "deny"),
    "{'linux':{'resources':{'pids':{'limit':-1}}}}",
    { .findings = { REFUSED ("pids", "unlimited") }, .refused = true } },
  { "pids: off", NULL, ONLY ("pids", "off"),
    "{'linux':{}}",
    { 0 } },

  /* ---------------- seccomp ---------------- */
  { "seccomp: installed when absent", NULL, ONLY ("seccomp", "enforce"),
    "{'process':{'args':['sh']}}",
    { .checks = { { "linux.seccomp.defaultAction", "'SCMP_ACT_ERRNO'" },
                  { "linux.seccomp.defaultErrnoRet", "38" },
                  { "linux.seccomp.architectures[0]", "*" },
                  { "linux.seccomp.syscalls[0].names", "*" },
                  { "linux.seccomp.archMap", NULL } },
      .findings = { CHANGED ("seccomp", "linux.seccomp: no seccomp filter where seccomp profile") } } },
  { "seccomp: an ALLOW default is combined with hardrun's", NULL, ONLY ("seccomp", "enforce"),
    "{'linux':{'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['reboot'],"
    "'action':'SCMP_ACT_ERRNO'}]}}}",
    { .checks = { { "linux.seccomp.defaultAction", "'SCMP_ACT_ERRNO'" }, { "linux.seccomp.defaultErrnoRet", "38" } },
      .findings = { CHANGED ("seccomp", "default action SCMP_ACT_ALLOW) is combined") } } },
  { "seccomp: a stricter filter of the workload's own is kept", NULL, ONLY ("seccomp", "enforce"),
    "{'linux':{'seccomp':{'defaultAction':'SCMP_ACT_KILL'}}}",
    { .checks = { { "linux.seccomp.defaultAction", "'SCMP_ACT_KILL'" }, { "linux.seccomp.syscalls", NULL } },
      .findings = { NOTE ("seccomp", "at least as strict") } } },
  { "seccomp: hardrun's own filter is kept", NULL, ONLY ("seccomp", "enforce"),
    "{'process':{'capabilities':{'bounding':['CAP_NET_BIND_SERVICE']}}}",
    { 0 },
    .install_seccomp = true },
  { "seccomp: a seccomp agent keeps its listener, hardrun's denial of mount holds", NULL, ONLY ("seccomp", "enforce"),
    "{'linux':{'seccomp':{'defaultAction':'SCMP_ACT_ERRNO','listenerPath':'/run/agent.sock',"
    "'listenerMetadata':'m','syscalls':[{'names':['mount','mkdir'],'action':'SCMP_ACT_NOTIFY'}]}}}",
    { .checks = { { "linux.seccomp.listenerPath", "'/run/agent.sock'" },
                  { "linux.seccomp.listenerMetadata", "'m'" },
                  { "linux.seccomp.defaultAction", "'SCMP_ACT_ERRNO'" },
                  { "linux.seccomp.defaultErrnoRet", NULL } },
      .findings = { CHANGED ("seccomp", "(with its seccomp agent) is combined") } } },
  { "seccomp: a filter whose combination cannot be computed is refused, saying so", NULL, ONLY ("seccomp", "enforce"),
    "{'linux':{'seccomp':{'defaultAction':'SCMP_ACT_ERRNO','syscalls':[{'names':['socket'],"
    "'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':3,'op':'SCMP_CMP_GT'}]}]}}}",
    { .findings = { REFUSED ("seccomp", "\"socket\" under argument conditions") }, .refused = true } },
  { "seccomp: a malformed filter of the workload's own is refused", NULL, ONLY ("seccomp", "enforce"),
    "{'linux':{'seccomp':{'defaultAction':'SCMP_ACT_BOGUS'}}}",
    { .findings = { REFUSED ("seccomp", "unknown action") }, .refused = true } },
  { "seccomp: audit", NULL, ONLY ("seccomp", "audit"),
    "{'linux':{'seccomp':{'defaultAction':'SCMP_ACT_ALLOW'}}}",
    { .findings = { AUDIT ("seccomp", "SCMP_ACT_ALLOW") } } },
  { "seccomp: deny", NULL, ONLY ("seccomp", "deny"),
    "{'linux':{}}",
    { .findings = { REFUSED ("seccomp", "no seccomp filter") }, .refused = true } },
  { "seccomp: off", NULL, ONLY ("seccomp", "off"),
    "{'linux':{'seccomp':{'defaultAction':'SCMP_ACT_ALLOW'}}}",
    { 0 } },

  /* ---------------- apparmor ---------------- */
  { "apparmor: unconfined becomes hardrun's profile", NULL, ONLY ("apparmor", "enforce"),
    "{'process':{'args':['sh'],'apparmorProfile':'unconfined'}}",
    { .out = "{'process':{'args':['sh'],'apparmorProfile':'" HARDRUN_APPARMOR_PROFILE "'}}",
      .findings = { CHANGED ("apparmor", "process.apparmorProfile: runs unconfined; set to") } },
    .host = { .apparmor = true } },
  { "apparmor: a host without AppArmor is a note", NULL, ONLY ("apparmor", "enforce"),
    "{'process':{'args':['sh']}}",
    { .findings = { NOTE ("apparmor", "AppArmor is not enabled on this host; no profile applied") } } },
  { "apparmor: audit", NULL, ONLY ("apparmor", "audit"),
    "{'process':{'args':['sh']}}",
    { .findings = { AUDIT ("apparmor", "no AppArmor profile") } },
    .host = { .apparmor = true } },
  { "apparmor: deny refuses on a host without AppArmor", NULL, ONLY ("apparmor", "deny"),
    "{'process':{'args':['sh']}}",
    { .findings = { REFUSED ("apparmor", "not enabled") }, .refused = true } },
  { "apparmor: off", NULL, ONLY ("apparmor", "off"),
    "{'process':{'args':['sh'],'apparmorProfile':'unconfined'}}",
    { 0 },
    .host = { .apparmor = true } },

  /* ---------------- selinux ---------------- */
  { "selinux: a host without SELinux is a note", NULL, ONLY ("selinux", "enforce"),
    "{'process':{'args':['sh']}}",
    { .findings = { NOTE ("selinux", "SELinux is not enabled on this host; no label applied") } } },
  { "selinux: a container type with the engine's pair is kept", NULL, ONLY ("selinux", "enforce"),
    "{'process':{'args':['sh'],'selinuxLabel':'system_u:system_r:container_t:s0:c1,c2'},"
    "'linux':{'mountLabel':'system_u:object_r:container_file_t:s0:c1,c2'}}",
    { 0 },
    .host = { .selinux = true } },
  { "selinux: audit", NULL, ONLY ("selinux", "audit"),
    "{'process':{'args':['sh'],'selinuxLabel':'system_u:system_r:spc_t:s0'}}",
    { .findings = { AUDIT ("selinux", "SELinux type \"spc_t\" is not a container type") } },
    .host = { .selinux = true } },
  { "selinux: deny refuses on a host without SELinux", NULL, ONLY ("selinux", "deny"),
    "{'process':{'args':['sh']}}",
    { .findings = { REFUSED ("selinux", "not enabled") }, .refused = true } },
  { "selinux: off", NULL, ONLY ("selinux", "off"),
    "{'process':{'args':['sh']}}",
    { 0 },
    .host = { .selinux = true } },

  /* ---------------- whole profiles ---------------- */
  { "restricted: a dangerous config is hardened (and a second pass changes nothing)", "restricted", NULL,
    DANGEROUS,
    { .checks = { { "process.user", "{'uid':65534,'gid':65534,'additionalGids':[10]}" },
                  { "process.capabilities",
                    "{'bounding':[],'effective':[],'permitted':[],'inheritable':[],'ambient':[]}" },
                  { "process.noNewPrivileges", "true" },
                  { "root.readonly", "true" },
                  { "hooks", "{'prestart':[],'poststop':[]}" },
                  { "annotations", "{'io.kubernetes.cri.container-type':'container'}" },
                  { "mounts[3].options", "['rbind','nosuid','nodev','rprivate']" },
                  { "mounts[4].options", "['rbind','rprivate','nosuid','nodev']" },
                  { "linux.namespaces", "[{'type':'network'},{'type':'pid'},{'type':'ipc'},{'type':'uts'},"
                                        "{'type':'mount'}]" },
                  { "linux.resources", "{'devices':[" DENY_ALL ",{'allow':true,'type':'c','major':1,'minor':3,"
                                       "'access':'rwm'}],'pids':{'limit':4096}}" },
                  { "linux.sysctl", "{'net.ipv4.tcp_syncookies':'1','net.ipv4.ip_unprivileged_port_start':'0'}" },
                  { "linux.seccomp.defaultAction", "'SCMP_ACT_ERRNO'" },
                  { "linux.rootfsPropagation", "'rprivate'" } },
      .findings = { NOTE ("apparmor", "not enabled"), NOTE ("selinux", "not enabled") },
      .some = true } },
  { "restricted: the rest of the dangerous config", "restricted", NULL,
    DANGEROUS,
    { .checks = { { "linux.maskedPaths", MASKED },
                  { "linux.readonlyPaths", READONLY },
                  { "linux.devices", "[{'path':'/dev/null','type':'c','major':1,'minor':3}]" },
                  { "mounts[2].options", "['nosuid','noexec','nodev','ro']" },
                  { "mounts[0].options", "['nosuid','noexec','nodev']" },
                  { "mounts[5].options", "['nosuid','nodev','noexec','mode=1777','size=65536k','uid=65534',"
                                         "'gid=65534']" },
                  { "mounts[6].destination", "'/run'" },
                  { "annotations['run.oci.seccomp_bpf_data']", NULL },
                  { "linux.sysctl['kernel.core_pattern']", NULL },
                  { "linux.sysctl['net.ipv4.tcp_syncookies']", "'1'" },
                  { "process.apparmorProfile", "'unconfined'" } },
      .some = true } },
  { "audit: the dangerous config is reported, not changed, not refused", "audit", NULL,
    DANGEROUS,
    { .findings = { AUDIT ("user", "uid 0"), AUDIT ("caps", "bounding"), AUDIT ("no_new_privileges", "false"),
                    AUDIT ("rootfs", "read-only"), AUDIT ("mounts", "rshared"), AUDIT ("devices", "/dev/sda"),
                    AUDIT ("namespaces", "ipc"), AUDIT ("sysctls", "core_pattern"), AUDIT ("hooks", "/tmp/evil"),
                    AUDIT ("annotations", "run.oci"), AUDIT ("pids", "unlimited"), AUDIT ("seccomp", "ALLOW") },
      .some = true } },
  { "privileged: nothing at all", "privileged", NULL,
    DANGEROUS,
    { 0 } },
  { "baseline: root and a writable root filesystem stay, capabilities are cut", "baseline", NULL,
    DANGEROUS,
    { .checks = { { "process.user", "{'uid':0,'gid':0,'additionalGids':[0,10]}" },
                  { "root.readonly", NULL },
                  { "process.capabilities.bounding", BASELINE_KEPT_NO_NBS },
                  { "process.capabilities.ambient", "[]" },
                  { "mounts[5]", NULL } },
      .some = true } },
  { "restricted with one control in audit: that one reports, the others enforce",
    "restricted", "pids=audit seccomp=off",
    DANGEROUS,
    { .checks = { { "linux.resources.pids.limit", "-1" }, { "linux.seccomp", "{'defaultAction':'SCMP_ACT_ALLOW'}" },
                  { "process.noNewPrivileges", "true" } },
      .findings = { AUDIT ("pids", "unlimited") }, .some = true } },
};

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

static char seccomp_dir[PATH_MAX];

static void __attribute__ ((noreturn, format (printf, 1, 2)))
bail_out (const char *fmt, ...)
{
  va_list ap;
  printf ("Bail out! ");
  va_start (ap, fmt);
  vprintf (fmt, ap);
  va_end (ap);
  printf ("\n");
  exit (1);
}


static char *
serialize (const struct hr_json *v)
{
  char *s = NULL;
  size_t len;
  if (hr_json_serialize (v, false, &s, &len, NULL) < 0)
    bail_out ("cannot serialize");
  return s;
}

/* The value at PATH: dotted members (through hr_json_get_path), "[N]" for
 * array elements, "['key']" for a key that holds dots. */
static const struct hr_json *
path_get (const struct hr_json *v, const char *path)
{
  char buf[256];
  const char *p = path;
  while (v && *p)
    {
      if (*p == '.')
        p++;
      if (*p == '[' && p[1] == '\'')
        {
          const char *end = strchr (p + 2, '\'');
          size_t n = end ? (size_t) (end - p - 2) : 0;
          if (end == NULL || end[1] != ']' || n >= sizeof buf)
            bail_out ("bad path \"%s\"", path);
          memcpy (buf, p + 2, n);
          buf[n] = '\0';
          v = hr_json_get (v, buf);
          p = end + 2;
        }
      else if (*p == '[')
        {
          char *end;
          unsigned long i = strtoul (p + 1, &end, 10);
          if (*end != ']')
            bail_out ("bad path \"%s\"", path);
          v = hr_json_at (v, i);
          p = end + 1;
        }
      else
        {
          size_t n = strcspn (p, "[");
          if (n >= sizeof buf)
            bail_out ("bad path \"%s\"", path);
          memcpy (buf, p, n);
          buf[n] = '\0';
          if (n > 0 && buf[n - 1] == '.')
            buf[n - 1] = '\0';
          v = hr_json_get_path (v, buf);
          p += n;
        }
    }
  return v;
}

/* Applies "control=mode ..." to P; "*" names every control. */
static void
apply_modes (struct hr_profile *p, const char *modes)
{
  char buf[256];
  if (modes == NULL)
    return;
  if (strlen (modes) >= sizeof buf)
    bail_out ("modes too long: %s", modes);
  strcpy (buf, modes);
  char *save = NULL;
  for (char *tok = strtok_r (buf, " ", &save); tok; tok = strtok_r (NULL, " ", &save))
    {
      char *eq = strchr (tok, '=');
      if (eq == NULL)
        bail_out ("bad mode \"%s\"", tok);
      *eq = '\0';
      int mode = hr_mode_from_name (eq + 1);
      if (mode < 0)
        bail_out ("unknown mode \"%s\"", eq + 1);
      if (strcmp (tok, "*") == 0)
        {
          for (int i = 0; i < HR_CTL_COUNT; i++)
            p->mode[i] = (enum hr_mode) mode;
          continue;
        }
      int ctl = hr_control_from_name (tok);
      if (ctl < 0)
        bail_out ("unknown control \"%s\"", tok);
      p->mode[ctl] = (enum hr_mode) mode;
    }
}

static void
load_profile (const char *name, const char *modes, const char *const *ro_paths, struct hr_profile *ret)
{
  struct hr_error err = { 0 };
  if (hr_profile_builtin (name ? name : "restricted", ret, &err) < 0)
    bail_out ("%s", err.msg);
  apply_modes (ret, modes);
  for (size_t i = 0; ro_paths && i < 4 && ro_paths[i]; i++)
    if (hr_strlist_add (&ret->readonly_host_paths, ro_paths[i]) < 0)
      bail_out ("out of memory");
}

static void
setup_host (const struct host *h)
{
  hr_fake_reset ();
  hr_fake_apparmor_enabled = h->apparmor;
  hr_fake_selinux_enabled = h->selinux;
  hr_fake_bounding_caps &= ~h->lacks_caps;
  for (size_t i = 0; i < 4 && h->realpath[i][0]; i++)
    hr_fake_set_realpath (h->realpath[i][0], h->realpath[i][1]);
  for (size_t i = 0; i < 2 && h->identity[i][0]; i++)
    hr_fake_set_identity (h->identity[i][0], h->identity[i][1]);
  for (size_t i = 0; i < 1 && h->layers[i][0]; i++)
    hr_fake_set_layers (h->layers[i][0], h->layers[i][1]);
  for (size_t i = 0; i < 2 && h->swappable[i][0]; i++)
    hr_fake_set_swappable (h->swappable[i][0], h->swappable[i][1]);
  for (size_t i = 0; i < 2 && h->type[i].path; i++)
    hr_fake_set_type (h->type[i].path, h->type[i].type, h->type[i].major, h->type[i].minor);
  if (h->socket.path)
    hr_fake_set_socket_group (h->socket.path, h->socket.gid);
  for (size_t i = 0; i < 4 && h->host_ns[i]; i++)
    hr_fake_set_host_namespace (h->host_ns[i], true);
  for (size_t i = 0; i < 6 && h->image[i][0]; i++)
    hr_fake_set_image_entry (h->image[i][0], h->image[i][1]);
}

static void
diag_findings (const struct hr_report *r)
{
  diag ("  findings (%zu):", r->n);
  for (size_t i = 0; i < r->n; i++)
    diag ("    %s %s: %s: %s", hr_control_name (r->items[i].control), hr_action_name (r->items[i].action),
          r->items[i].field, r->items[i].message);
}

static bool
finding_matches (const struct hr_finding *f, const struct want *w)
{
  char text[4096];
  snprintf (text, sizeof text, "%s: %s", f->field, f->message);
  return strcmp (hr_control_name (f->control), w->control) == 0 && strcmp (hr_action_name (f->action), w->action) == 0
         && strstr (text, w->text) != NULL;
}

/* Each wanted finding matches its own reported one; unless SOME, nothing
 * else was reported. */
static void
check_findings (const char *name, const struct hr_report *r, const struct want *wants, bool some)
{
  bool used[256] = { false };
  bool good = r->n <= HR_ARRAY_SIZE (used);
  size_t n_wants = 0;
  for (size_t k = 0; good && k < MAX_FINDINGS && wants[k].control; k++, n_wants++)
    {
      size_t i;
      for (i = 0; i < r->n; i++)
        if (!used[i] && finding_matches (&r->items[i], &wants[k]))
          break;
      if (i == r->n)
        {
          diag ("  missing: %s %s \"%s\"", wants[k].control, wants[k].action, wants[k].text);
          good = false;
        }
      else
        used[i] = true;
    }
  if (good && !some && r->n != n_wants)
    good = false;
  ok (good, "%s: findings", name);
  if (!good)
    diag_findings (r);
}

/* DOC against the expectation: OUT whole, or CHECKS, or else IN unchanged. */
static void
check_document (const char *name, const struct hr_json *in, const struct hr_json *doc, const char *out,
                const struct check *checks)
{
  if (out == NULL && checks[0].path == NULL)
    {
      bool same = hr_json_equal (in, doc);
      ok (same, "%s: config.json unchanged", name);
      if (!same)
        {
          cleanup_free char *s = serialize (doc);
          diag ("  got: %s", s);
        }
      return;
    }
  if (out)
    {
      struct hr_json *want = hr_test_json ("expected config.json", out);
      bool same = hr_json_equal (want, doc);
      ok (same, "%s: config.json as expected", name);
      if (!same)
        {
          cleanup_free char *g = serialize (doc);
          cleanup_free char *w = serialize (want);
          diag ("  got:  %s", g);
          diag ("  want: %s", w);
        }
      hr_json_free (want);
    }
  for (size_t k = 0; k < MAX_CHECKS && checks[k].path; k++)
    {
      const struct hr_json *got = path_get (doc, checks[k].path);
      bool good;
      if (checks[k].json == NULL)
        good = got == NULL;
      else if (strcmp (checks[k].json, "*") == 0)
        good = got != NULL;
      else
        {
          struct hr_json *want = hr_test_json (checks[k].path, checks[k].json);
          good = hr_json_equal (want, got);
          hr_json_free (want);
        }
      ok (good, "%s: %s is %s", name, checks[k].path, checks[k].json ? checks[k].json : "absent");
      if (!good)
        {
          cleanup_free char *g = got ? serialize (got) : NULL;
          diag ("  got: %s", g ? g : "(absent)");
        }
    }
}

static size_t
count_action (const struct hr_report *r, enum hr_action act)
{
  size_t n = 0;
  for (size_t i = 0; i < r->n; i++)
    n += r->items[i].action == act;
  return n;
}

/* Sets linux.seccomp to what the seccomp control would install. */
static void
install_seccomp (struct hr_json *spec)
{
  char path[PATH_MAX + 16];
  struct hr_error err = { 0 };
  cleanup_json struct hr_json *profile = NULL;
  struct hr_json *want = NULL;
  snprintf (path, sizeof path, "%s/default.json", seccomp_dir);
  uint64_t caps = hr_caps_from_list (hr_json_get_path (spec, "process.capabilities.bounding"), NULL);
  if (hr_seccomp_load_profile (path, &profile, &err) < 0
      || hr_seccomp_resolve (profile, hr_seccomp_native_arch (), caps, false, &want, &err) < 0)
    bail_out ("%s", err.msg);
  struct hr_json *lnx = hr_json_ensure_object (spec, "linux");
  if (lnx == NULL || hr_json_set (lnx, "seccomp", want, &err) < 0)
    bail_out ("cannot install the seccomp filter");
}

static void
run_policy_case (const struct policy_case *c)
{
  struct hr_profile profile;
  struct hr_report report = { 0 };
  struct hr_error err = { 0 };

  load_profile (c->profile, c->modes, c->ro_host_paths, &profile);
  for (size_t i = 0; i < 4 && c->images[i]; i++)
    if (hr_strlist_add (&profile.images_allow, c->images[i]) < 0)
      bail_out ("out of memory");
  setup_host (&c->host);
  struct hr_policy_ctx ctx = {
    .profile = &profile,
    .container_id = "c1",
    .hook_path = HARDRUN_LIBEXECDIR "/hardrun-hook",
    .hook_key = "0123456789abcdef",
    .cri = c->cri,
    .bundle_dir = c->bundle ? c->bundle : "/bundle",
    .seccomp_dir = seccomp_dir,
    .apparmor_dir = "/etc/hardrun/apparmor",
    .state_dir = "/nonexistent/hardrun-state",
  };
  cleanup_json struct hr_json *in = hr_test_json (c->name, c->in);
  if (c->install_seccomp)
    install_seccomp (in);
  cleanup_json struct hr_json *doc = hr_json_copy (in);
  if (doc == NULL)
    bail_out ("out of memory");

  int rc = hr_policy_apply (&ctx, doc, &report, &err);
  ok (rc == 0, "%s: applied", c->name);
  if (rc < 0)
    {
      diag ("  error: %s", err.msg);
      goto out;
    }
  check_findings (c->name, &report, c->x.findings, c->x.some);
  ok (report.refused == c->x.refused, "%s: %s", c->name, c->x.refused ? "refused" : "not refused");
  check_document (c->name, in, doc, c->x.out, c->x.checks);

  /* What holds for every case. */
  bool any_enforce = false;
  for (int i = 0; i < HR_CTL_COUNT; i++)
    any_enforce |= profile.mode[i] == HR_MODE_ENFORCE;
  bool same = hr_json_equal (in, doc);
  if (!any_enforce)
    ok (same, "%s: without enforce mode nothing changes", c->name);
  ok (report.changed == !same, "%s: the spec changed %s a \"changed\" finding", c->name,
      same ? "without" : "with");
  if (any_enforce && !report.refused)
    {
      struct hr_report again = { 0 };
      cleanup_json struct hr_json *twice = hr_json_copy (doc);
      if (twice == NULL)
        bail_out ("out of memory");
      rc = hr_policy_apply (&ctx, twice, &again, &err);
      bool stable = rc == 0 && count_action (&again, HR_ACT_CHANGED) == 0 && hr_json_equal (doc, twice);
      ok (stable, "%s: a second pass changes nothing", c->name);
      if (!stable)
        diag_findings (&again);
      hr_report_release (&again);
    }
out:
  hr_report_release (&report);
  hr_profile_release (&profile);
}

/* ------------------------------------------------------------------ */
/* The exec ceiling: process objects                                   */

/* A container record as record.c writes it, for a container made by the
 * restricted profile with NET_BIND_SERVICE kept for uid 1000. */
#define RECORD_1000                                                                                                   \
  "{'profile':'restricted','bundle':'/b','process':{'user':{'uid':1000,'gid':1000},"                                  \
  "'capabilities':{'bounding':" NBS ",'effective':" NBS ",'permitted':" NBS ",'inheritable':" NBS                     \
  ",'ambient':" NBS "},'noNewPrivileges':true,'apparmorProfile':'" HARDRUN_APPARMOR_PROFILE "'}}"
#define RECORD_65534                                                                                                  \
  "{'profile':'restricted','bundle':'/b','process':{'user':{'uid':65534,'gid':65534},"                                \
  "'capabilities':{'bounding':[],'effective':[],'permitted':[]},'noNewPrivileges':true,"                              \
  "'apparmorProfile':'" HARDRUN_APPARMOR_PROFILE "'}}"
#define RECORD_ROOT                                                                                                   \
  "{'profile':'restricted','bundle':'/b','process':{'user':{'uid':0,'gid':0},"                                        \
  "'capabilities':{'bounding':['CAP_CHOWN']},'noNewPrivileges':true}}"

struct process_case
{
  const char *name;
  const char *profile;
  const char *modes;
  const char *record;           /* NULL: the profile's ceiling */
  const char *in;               /* the process object */
  struct expect x;
};

static const struct process_case process_cases[] = {
  { "exec --process, record: root, extra caps, nnp off, unconfined are held to the container", NULL, NULL,
    RECORD_1000,
    "{'args':['sh'],'user':{'uid':0,'gid':0,'additionalGids':[0]},'capabilities':{'bounding':['CAP_SYS_ADMIN',"
    "'CAP_NET_BIND_SERVICE'],'effective':['CAP_SYS_ADMIN']},'noNewPrivileges':false,'apparmorProfile':'unconfined'}",
    { .out = "{'args':['sh'],'user':{'uid':1000,'gid':1000,'additionalGids':[]},'capabilities':{'bounding':" NBS
             ",'effective':" NBS ",'inheritable':" NBS ",'permitted':" NBS ",'ambient':" NBS "},"
             "'noNewPrivileges':true,'apparmorProfile':'" HARDRUN_APPARMOR_PROFILE "'}",
      .findings = { CHANGED ("user", "process.user.uid: runs as root (uid 0); set to 1000"),
                    CHANGED ("user", "process.user.gid"), CHANGED ("user", "additionalGids[0]"),
                    CHANGED ("caps", "bounding: dropped CAP_SYS_ADMIN"),
                    CHANGED ("caps", "effective: dropped CAP_SYS_ADMIN"),
                    CHANGED ("caps", "inheritable: added"), CHANGED ("caps", "permitted: added"),
                    CHANGED ("caps", "ambient: added"), CHANGED ("no_new_privileges", "was false"),
                    CHANGED ("apparmor", "\"unconfined\" differs from the container's") } } },
  { "exec --process, record: a process like the container's is kept", NULL, NULL, RECORD_65534,
    "{'args':['sh'],'user':{'uid':65534,'gid':65534},'capabilities':{'bounding':[]},'noNewPrivileges':true,"
    "'apparmorProfile':'" HARDRUN_APPARMOR_PROFILE "'}",
    { 0 } },
  { "exec --process, record of a root container: root may exec as root", NULL, NULL, RECORD_ROOT,
    "{'args':['sh'],'user':{'uid':0,'gid':0},'capabilities':{'bounding':['CAP_CHOWN']},'noNewPrivileges':true}",
    { 0 } },
  { "exec --process, record of a root container: no capability beyond its own", NULL, NULL, RECORD_ROOT,
    "{'args':['sh'],'user':{'uid':0,'gid':0},'capabilities':{'bounding':['CAP_CHOWN','CAP_SYS_ADMIN']},"
    "'noNewPrivileges':true}",
    { .checks = { { "capabilities.bounding", "['CAP_CHOWN']" } },
      .findings = { CHANGED ("caps", "dropped CAP_SYS_ADMIN") } } },
  { "exec --process, profile ceiling: restricted", NULL, NULL, NULL,
    "{'args':['sh'],'capabilities':{'bounding':['CAP_NET_BIND_SERVICE','CAP_CHOWN']}}",
    { .out = "{'args':['sh'],'capabilities':{'bounding':[]},'user':{'uid':65534,'gid':65534},"
             "'noNewPrivileges':true}",
      .findings = { CHANGED ("user", "uid"), CHANGED ("user", "gid"),
                    CHANGED ("caps", "bounding: dropped CAP_CHOWN, CAP_NET_BIND_SERVICE"),
                    CHANGED ("no_new_privileges", "was unset") } } },
  { "exec --process, profile ceiling: baseline leaves the user alone", "baseline", NULL, NULL,
    "{'args':['sh'],'user':{'uid':0,'gid':0},'capabilities':{'bounding':['CAP_NET_RAW','CAP_CHOWN']},"
    "'noNewPrivileges':true}",
    { .checks = { { "user", "{'uid':0,'gid':0}" }, { "capabilities.bounding", "['CAP_CHOWN']" } },
      .findings = { CHANGED ("caps", "dropped CAP_NET_RAW") } } },
  { "exec --process: audit", NULL, "*=audit", RECORD_1000,
    "{'args':['sh'],'user':{'uid':0,'gid':0},'noNewPrivileges':false}",
    { .findings = { AUDIT ("user", "uid"), AUDIT ("user", "gid"), AUDIT ("caps", "no capability sets"),
                    AUDIT ("no_new_privileges", "false"), AUDIT ("apparmor", "differs") } } },
  { "exec --process: deny", NULL, "*=deny", RECORD_1000,
    "{'args':['sh'],'user':{'uid':1000,'gid':1000},'capabilities':{'bounding':['CAP_SYS_ADMIN']},"
    "'noNewPrivileges':true,'apparmorProfile':'" HARDRUN_APPARMOR_PROFILE "'}",
    { .findings = { REFUSED ("caps", "bounding: dropped CAP_SYS_ADMIN") }, .refused = true } },
  { "exec --process: a working directory under /proc", NULL, NULL, RECORD_1000,
    "{'args':['sh'],'user':{'uid':1000,'gid':1000},'cwd':'/proc/1/cwd','noNewPrivileges':true,"
    "'apparmorProfile':'" HARDRUN_APPARMOR_PROFILE "','capabilities':{'bounding':" NBS ",'effective':" NBS
    ",'permitted':" NBS ",'inheritable':" NBS ",'ambient':" NBS "}}",
    { .findings = { REFUSED ("paths", "process.cwd: working directory \"/proc/1/cwd\" is under \"/proc\"") },
      .refused = true } },
  { "exec --process: off", NULL, "*=off", RECORD_1000,
    "{'args':['sh'],'user':{'uid':0,'gid':0},'noNewPrivileges':false}", { 0 } },
};

static void
run_process_case (const struct process_case *c)
{
  struct hr_profile profile;
  struct hr_report report = { 0 };
  struct hr_error err = { 0 };
  struct hr_ceiling ceiling;

  load_profile (c->profile, c->modes, NULL, &profile);
  hr_fake_reset ();
  struct hr_policy_ctx ctx = { .profile = &profile, .container_id = "c1", .bundle_dir = "/b" };
  if (c->record)
    {
      cleanup_json struct hr_json *record = hr_test_json ("record", c->record);
      if (hr_ceiling_from_record (record, &ceiling, &err) < 0)
        bail_out ("%s", err.msg);
    }
  else if (hr_ceiling_from_profile (&profile, &ceiling, &err) < 0)
    bail_out ("%s", err.msg);

  cleanup_json struct hr_json *in = hr_test_json (c->name, c->in);
  cleanup_json struct hr_json *doc = hr_json_copy (in);
  if (doc == NULL)
    bail_out ("out of memory");
  int rc = hr_exec_apply_process (&ctx, &ceiling, doc, &report, &err);
  ok (rc == 0, "%s: applied", c->name);
  if (rc == 0)
    {
      check_findings (c->name, &report, c->x.findings, c->x.some);
      ok (report.refused == c->x.refused, "%s: %s", c->name, c->x.refused ? "refused" : "not refused");
      check_document (c->name, in, doc, c->x.out, c->x.checks);
      ok (report.changed == !hr_json_equal (in, doc), "%s: changed exactly when reported", c->name);

      /* Held again, the output stays as it is. */
      struct hr_report again = { 0 };
      cleanup_json struct hr_json *twice = hr_json_copy (doc);
      if (twice == NULL)
        bail_out ("out of memory");
      if (!report.refused)
        {
          rc = hr_exec_apply_process (&ctx, &ceiling, twice, &again, &err);
          ok (rc == 0 && count_action (&again, HR_ACT_CHANGED) == 0 && hr_json_equal (doc, twice),
              "%s: a second pass changes nothing", c->name);
        }
      hr_report_release (&again);
    }
  else
    diag ("  error: %s", err.msg);
  hr_report_release (&report);
  hr_ceiling_release (&ceiling);
  hr_profile_release (&profile);
}

/* ------------------------------------------------------------------ */
/* The exec ceiling: exec's flags                                      */

struct flags_case
{
  const char *name;
  const char *profile;
  const char *modes;
  const char *record;           /* NULL: the profile's ceiling */
  const char *argv[24];         /* argv[0] is "hardrun" */
  const char *want;             /* the runtime's argv, space-joined */
  struct want findings[MAX_FINDINGS];
  bool refused;
};

#define EXEC(...) { "hardrun", "--root", "/r", "exec", __VA_ARGS__, NULL }

static const struct flags_case flags_cases[] = {
  { "exec flags: root, a capability, nnp off, unconfined, group root", NULL, NULL, RECORD_65534,
    EXEC ("-u", "0:0", "--cap", "CAP_SYS_ADMIN", "--no-new-privs=false", "--apparmor", "unconfined", "-g", "0",
          "c1", "sh"),
    "hardrun --root /r exec -u 65534:65534 --no-new-privs --apparmor " HARDRUN_APPARMOR_PROFILE " c1 sh",
    { CHANGED ("user", "exec --user: \"0:0\" is root; set to 65534:65534"),
      CHANGED ("caps", "exec --cap: \"CAP_SYS_ADMIN\" is beyond the container's capabilities; removed"),
      CHANGED ("no_new_privileges", "exec --no-new-privs: set to false; set to true"),
      CHANGED ("apparmor", "exec --apparmor: \"unconfined\" differs from the container's"),
      CHANGED ("user", "exec --additional-gids: \"0\" is group root; removed") } },
  { "exec flags: the container's user and --no-new-privs are named when absent", NULL, NULL, RECORD_65534,
    EXEC ("--tty", "c1", "sh"), "hardrun --root /r exec --user=65534:65534 --no-new-privs --tty c1 sh", { { 0 } } },
  { "exec flags: --cwd under /proc", NULL, NULL, RECORD_65534,
    EXEC ("--user=65534:65534", "--no-new-privs", "--cwd", "/proc/self/fd/9", "c1", "sh"),
    "hardrun --root /r exec --user=65534:65534 --no-new-privs --cwd /proc/self/fd/9 c1 sh",
    { REFUSED ("paths", "exec --cwd: working directory \"/proc/self/fd/9\" is under \"/proc\"") }, true },
  { "exec flags: a non-root user and kept capability stay", NULL, NULL, RECORD_1000,
    EXEC ("--user=1000:1000", "--cap=CAP_NET_BIND_SERVICE", "--no-new-privs", "c1", "sh"),
    "hardrun --root /r exec --user=1000:1000 --cap=CAP_NET_BIND_SERVICE --no-new-privs c1 sh", { { 0 } } },
  { "exec flags: --user=4294967296 is uid 0 to runc", NULL, NULL, RECORD_65534,
    EXEC ("--user=4294967296", "--no-new-privs", "c1", "sh"),
    "hardrun --root /r exec --user=65534:65534 --no-new-privs c1 sh",
    { CHANGED ("user", "set to 65534:65534") } },
  { "exec flags: --user=1000:0 is group root", NULL, NULL, RECORD_65534,
    EXEC ("--user", "1000:0", "--no-new-privs", "c1", "sh"),
    "hardrun --root /r exec --user 65534:65534 --no-new-privs c1 sh", { CHANGED ("user", "\"1000:0\" is root") } },
  { "exec flags: a uid without a group is group root to crun", NULL, NULL, RECORD_65534,
    EXEC ("-u", "1000", "--no-new-privs", "c1", "sh"), "hardrun --root /r exec -u 1000:65534 --no-new-privs c1 sh",
    { CHANGED ("user", "1000:65534") } },
  { "exec flags: an empty group is group root to crun", NULL, NULL, RECORD_65534,
    EXEC ("--user=1000:", "--no-new-privs", "c1", "sh"),
    "hardrun --root /r exec --user=65534:65534 --no-new-privs c1 sh", { CHANGED ("user", "set to 65534:65534") } },
  { "exec flags: a blank before the uid is root to crun", NULL, NULL, RECORD_65534,
    EXEC ("--user= 0", "--no-new-privs", "c1", "sh"),
    "hardrun --root /r exec --user=65534:65534 --no-new-privs c1 sh", { CHANGED ("user", "set to 65534:65534") } },
  { "exec flags: an empty user is root to crun", NULL, NULL, RECORD_65534,
    EXEC ("-u", "", "--no-new-privs", "c1", "sh"), "hardrun --root /r exec -u 65534:65534 --no-new-privs c1 sh",
    { CHANGED ("user", "set to 65534:65534") } },
  { "exec flags: a root container may exec as root", NULL, NULL, RECORD_ROOT,
    EXEC ("-u", "0", "--cap", "CAP_CHOWN", "c1", "sh"),
    "hardrun --root /r exec --no-new-privs -u 0 --cap CAP_CHOWN c1 sh", { { 0 } } },
  { "exec flags: deny refuses and changes nothing", NULL, "*=deny", RECORD_65534,
    EXEC ("-u", "0", "--no-new-privs", "c1", "sh"), "hardrun --root /r exec -u 0 --no-new-privs c1 sh",
    { REFUSED ("user", "is root") }, true },
  { "exec flags: audit reports and changes nothing", NULL, "*=audit", RECORD_65534,
    EXEC ("-u", "0", "--cap", "CAP_SYS_ADMIN", "c1", "sh"), "hardrun --root /r exec -u 0 --cap CAP_SYS_ADMIN c1 sh",
    { AUDIT ("user", "is root"), AUDIT ("caps", "CAP_SYS_ADMIN") } },
  { "exec flags: an SELinux label other than the container's", NULL, NULL,
    "{'process':{'user':{'uid':65534,'gid':65534},'capabilities':{'bounding':[]},"
    "'selinuxLabel':'system_u:system_r:container_t:s0:c1,c2'}}",
    EXEC ("--process-label", "system_u:system_r:spc_t:s0", "--no-new-privs", "c1", "sh"),
    "hardrun --root /r exec --user=65534:65534 --process-label system_u:system_r:container_t:s0:c1,c2 "
    "--no-new-privs c1 sh",
    { CHANGED ("selinux", "exec --process-label: \"system_u:system_r:spc_t:s0\" differs") } },
  { "exec flags: an AppArmor profile for a container that has none goes", NULL, NULL,
    "{'process':{'user':{'uid':65534,'gid':65534},'capabilities':{'bounding':[]}}}",
    EXEC ("--apparmor=unconfined", "--user", "65534:65534", "--no-new-privs", "c1", "sh"),
    "hardrun --root /r exec --user 65534:65534 --no-new-privs c1 sh",
    { CHANGED ("apparmor", "\"unconfined\" differs from the container's \"\"") } },
  { "exec flags: off changes nothing", NULL, "*=off", RECORD_65534,
    EXEC ("-u", "0", "--cap", "CAP_SYS_ADMIN", "--no-new-privs=false", "c1", "sh"),
    "hardrun --root /r exec -u 0 --cap CAP_SYS_ADMIN --no-new-privs=false c1 sh", { { 0 } } },
  { "exec flags: without a record the flag form is refused", NULL, NULL, NULL,
    EXEC ("--user=1000:1000", "--no-new-privs", "c1", "sh"),
    "hardrun --root /r exec --user=1000:1000 --no-new-privs c1 sh",
    { REFUSED ("user", "exec: container \"c1\" was not created through hardrun") }, true },
};

static char *
join_argv (char *const *argv)
{
  size_t len = 1;
  for (size_t i = 0; argv[i]; i++)
    len += strlen (argv[i]) + 1;
  char *s = calloc (1, len);
  if (s == NULL)
    bail_out ("out of memory");
  for (size_t i = 0; argv[i]; i++)
    {
      if (i)
        strcat (s, " ");
      strcat (s, argv[i]);
    }
  return s;
}

static void
run_flags_case (const struct flags_case *c)
{
  struct hr_profile profile;
  struct hr_report report = { 0 };
  struct hr_error err = { 0 };
  struct hr_ceiling ceiling;
  struct hr_cmdline cmd;
  struct hr_exec_argv argv = { 0 };
  int argc = 0;

  load_profile (c->profile, c->modes, NULL, &profile);
  hr_fake_reset ();
  struct hr_policy_ctx ctx = { .profile = &profile, .container_id = "c1", .bundle_dir = "/b" };
  if (c->record)
    {
      cleanup_json struct hr_json *record = hr_test_json ("record", c->record);
      if (hr_ceiling_from_record (record, &ceiling, &err) < 0)
        bail_out ("%s", err.msg);
    }
  else if (hr_ceiling_from_profile (&profile, &ceiling, &err) < 0)
    bail_out ("%s", err.msg);

  while (c->argv[argc])
    argc++;
  if (hr_cmdline_parse (argc, (char **) c->argv, &cmd, &err) < 0 || cmd.usage_error)
    bail_out ("%s: cannot parse the command line: %s", c->name, cmd.usage_error ? cmd.usage_message : err.msg);

  int rc = hr_exec_apply_flags (&ctx, &ceiling, &cmd, &argv, &report, &err);
  ok (rc == 0, "%s: applied", c->name);
  if (rc == 0)
    {
      cleanup_free char *got = join_argv (argv.argv);
      bool same = strcmp (got, c->want) == 0;
      ok (same, "%s: argv", c->name);
      if (!same)
        {
          diag ("  got:  %s", got);
          diag ("  want: %s", c->want);
        }
      check_findings (c->name, &report, c->findings, false);
      ok (report.refused == c->refused, "%s: %s", c->name, c->refused ? "refused" : "not refused");
    }
  else
    diag ("  error: %s", err.msg);
  hr_exec_argv_release (&argv);
  hr_cmdline_free (&cmd);
  hr_report_release (&report);
  hr_ceiling_release (&ceiling);
  hr_profile_release (&profile);
}

int
main (void)
{
  const char *srcdir = getenv ("HARDRUN_SRCDIR");
  if (srcdir == NULL || *srcdir == '\0')
    srcdir = ".";
  snprintf (seccomp_dir, sizeof seccomp_dir, "%s/profiles/seccomp", srcdir);
  char path[PATH_MAX + 16];
  snprintf (path, sizeof path, "%s/default.json", seccomp_dir);
  if (access (path, R_OK) < 0)
    skip_all ("profiles/seccomp/default.json not found; set HARDRUN_SRCDIR");
  if (hr_seccomp_native_arch () == NULL)
    skip_all ("hardrun does not know this machine's seccomp architecture");

  for (size_t i = 0; i < HR_ARRAY_SIZE (cases); i++)
    run_policy_case (&cases[i]);
  for (size_t i = 0; i < HR_ARRAY_SIZE (process_cases); i++)
    run_process_case (&process_cases[i]);
  for (size_t i = 0; i < HR_ARRAY_SIZE (flags_cases); i++)
    run_flags_case (&flags_cases[i]);

  diag ("%zu policy cases, %zu exec --process cases, %zu exec flag cases", HR_ARRAY_SIZE (cases),
        HR_ARRAY_SIZE (process_cases), HR_ARRAY_SIZE (flags_cases));
  hr_fake_reset ();
  return done_testing ();
}
