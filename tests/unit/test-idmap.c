/* User namespaces, idmapped mounts and the cgroup namespace, table-driven: a config.json under
 * one control (user or mounts, the others off), the maps of the user
 * namespaces it joins as the fake host reads them, and whether it is
 * refused with which words. Also the map readers on their own. */
#include "config.h"
#include "policy/policy.h"
#include "policy/idmap.h"
#include "cleanup.h"
#include "host-fake.h"
#include "tap.h"
#include "json-text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS_OTHERS "{'type':'pid'},{'type':'ipc'},{'type':'uts'},{'type':'mount'},{'type':'network'}"
#define JOINS(path) "'namespaces':[" NS_OTHERS ",{'type':'user','path':'" path "'}]"
#define MAKES "'namespaces':[" NS_OTHERS ",{'type':'user'}]"
#define MAP(c, h, n) "{'containerID':" #c ",'hostID':" #h ",'size':" #n "}"
#define BIND_OPTS(opts) "{'destination':'/data','type':'bind','source':'/srv/data','options':['rbind','nosuid','nodev'" opts "]}"

struct userns
{
  const char *path, *uid_map, *gid_map;
};

struct idmap_case
{
  const char *name;
  const char *control;          /* the one control on, in enforce */
  const char *in;
  struct userns ns[2];
  bool refused;
  const char *texts[3];         /* substrings of the findings; none: no findings at all */
  const char *uid_after;        /* process.user.uid afterwards, NULL: not checked */
  bool cgroupns;                /* the host has cgroup namespaces */
  const char *ns_after;         /* linux.namespaces afterwards (enforce), NULL: not checked */
};

static const struct idmap_case cases[] = {
  /* ---- part 2: a joined user namespace's real maps ---- */
  { "joined: 65534 that the joined namespace maps to host root is refused", "user",
    "{'process':{'user':{'uid':0,'gid':0}},'linux':{" JOINS ("/proc/4242/ns/user") "}}",
    { { "/proc/4242/ns/user", "0 100000 65534\n65534 0 1\n", "0 100000 65536\n" } }, true,
    { "process.user.uid: uid 65534 is host root in the joined user namespace \"/proc/4242/ns/user\"" }, "65534" },
  { "joined: a gid the joined namespace maps to host root is refused", "user",
    "{'process':{'user':{'uid':1000,'gid':1000,'additionalGids':[5]}},'linux':{" JOINS ("/run/ns/a") "}}",
    { { "/run/ns/a", "0 100000 65536\n", "0 100000 5\n5 0 1\n6 100006 65530\n" } }, true,
    { "process.user.additionalGids[0]: gid 5 is host root" } },
  { "joined: a namespace with root mapped away is fine", "user",
    "{'process':{'user':{'uid':0,'gid':0}},'linux':{" JOINS ("/proc/7/ns/user") "}}",
    { { "/proc/7/ns/user", "         0     100000      65536\n", "0 100000 65536\n" } }, false,
    { "uid: runs as root (uid 0); set to 65534" }, "65534" },
  { "joined: any other id mapped to host root is refused (exec --user could take it)", "user",
    "{'process':{'user':{'uid':1000,'gid':1000}},'linux':{" JOINS ("/proc/7/ns/user") "}}",
    { { "/proc/7/ns/user", "0 100000 1000\n1000 101000 1000\n2000 0 1\n", "0 100000 65536\n" } }, true,
    { "linux.namespaces: the joined user namespace \"/proc/7/ns/user\" maps container uid 2000 to host root" } },
  { "joined: maps that cannot be read are refused", "user",
    "{'process':{'user':{'uid':1000,'gid':1000}},'linux':{" JOINS ("/proc/99/ns/user") "}}",
    { { NULL } }, true, { "cannot read the maps of the user namespace it joins" } },
  { "joined: garbage in the maps is refused", "user",
    "{'process':{'user':{'uid':1000,'gid':1000}},'linux':{" JOINS ("/proc/8/ns/user") "}}",
    { { "/proc/8/ns/user", "0 x 1\n", "0 1 1\n" } }, true, { "cannot be read" } },
  { "joined: the spec's own mappings are not what counts", "user",
    "{'process':{'user':{'uid':0,'gid':0}},'linux':{" JOINS ("/proc/9/ns/user") ",'uidMappings':[" MAP (0, 100000,
      65536) "],'gidMappings':[" MAP (0, 100000, 65536) "]}}",
    { { "/proc/9/ns/user", "0 0 4294967295\n", "0 0 4294967295\n" } }, false, { "uid 0" }, "65534" },
  { "joined: the identity map (the host's own ids) keeps the rewrite to 65534", "user",
    "{'process':{'user':{'uid':0,'gid':0}},'linux':{" JOINS ("/proc/9/ns/user") "}}",
    { { "/proc/9/ns/user", "0 0 4294967295\n", "0 0 4294967295\n" } }, false, { "uid 0", "gid 0" }, "65534" },
  { "joined: a namespace whose maps are not written yet is refused", "user",
    "{'process':{'user':{'uid':1000,'gid':1000}},'linux':{" JOINS ("/proc/6/ns/user") "}}",
    { { "/proc/6/ns/user", "", "" } }, true,
    { "process.user.uid: uid 1000 is not mapped in the joined user namespace \"/proc/6/ns/user\"",
      "process.user.gid: gid 1000 is not mapped" } },
  { "joined: a supplementary group that is not mapped is refused", "user",
    "{'process':{'user':{'uid':1000,'gid':1000,'additionalGids':[70000]}},'linux':{" JOINS ("/proc/6/ns/user") "}}",
    { { "/proc/6/ns/user", "0 100000 65536\n", "0 100000 65536\n" } }, true,
    { "process.user.additionalGids[0]: gid 70000 is not mapped" } },
  { "made: a mapping of another container id to host root is refused", "user",
    "{'process':{'user':{'uid':1000,'gid':1000}},'linux':{" MAKES ",'uidMappings':[" MAP (0, 100000, 1000) ","
      MAP (1000, 101000, 1000) "," MAP (5, 0, 1) "],'gidMappings':[" MAP (0, 100000, 65536) "]}}",
    { { NULL } }, true, { "linux.uidMappings: linux.uidMappings maps container uid 5 to host root" } },
  { "made: a user namespace without uidMappings is refused (crun maps the process to its caller)", "user",
    "{'process':{'user':{'uid':1000,'gid':1000}},'linux':{" MAKES ",'gidMappings':[" MAP (0, 100000, 65536) "]}}",
    { { NULL } }, true, { "linux.uidMappings: a user namespace without linux.uidMappings" } },
  { "made: a user namespace with empty gidMappings is refused", "user",
    "{'process':{'user':{'uid':1000,'gid':1000}},'linux':{" MAKES ",'uidMappings':[" MAP (0, 100000, 65536) "],"
    "'gidMappings':[]}}",
    { { NULL } }, true, { "linux.gidMappings: a user namespace without linux.gidMappings" } },
  { "made: no host read for a namespace of the spec's own", "user",
    "{'process':{'user':{'uid':0,'gid':0}},'linux':{" MAKES ",'uidMappings':[" MAP (0, 100000, 65536) "],"
      "'gidMappings':[" MAP (0, 100000, 65536) "]}}",
    { { NULL } }, false, { NULL } },

  /* ---- part 3: idmapped mounts ---- */
  { "idmap: uidMappings showing host root's files as 65534 are refused", "mounts",
    "{'mounts':[{'destination':'/data','type':'bind','source':'/srv/data','options':['rbind','nosuid','nodev'],"
    "'uidMappings':[" MAP (0, 65534, 1) "],'gidMappings':[" MAP (0, 65534, 1) "]}]}",
    { { NULL } }, true,
    { "mounts[0]: idmapped mount at \"/data\" shows host root's files (on-disk uid 0) as uid 65534",
      "(on-disk gid 0) as gid 65534" } },
  { "idmap: uidMappings showing another owner's files as host root's are refused", "mounts",
    "{'mounts':[{'destination':'/data','type':'bind','source':'/srv/data','options':['rbind','nosuid','nodev'],"
    "'uidMappings':[" MAP (1000, 0, 1) "],'gidMappings':[" MAP (1000, 1000, 1) "]}]}",
    { { NULL } }, true, { "shows the files of on-disk uid 1000 as host root's" } },
  { "idmap: uidMappings away from 0 are kept", "mounts",
    "{'mounts':[{'destination':'/data','type':'bind','source':'/srv/data','options':['rbind','nosuid','nodev','idmap'],"
    "'uidMappings':[" MAP (1000, 65534, 1) "],'gidMappings':[" MAP (1000, 65534, 1) "]}]}",
    { { NULL } }, false, { NULL } },
  { "idmap: a range covering 0 from below is refused", "mounts",
    "{'mounts':[{'destination':'/data','type':'bind','source':'/srv/data','options':['rbind','nosuid','nodev'],"
    "'uidMappings':[" MAP (0, 100000, 65536) "],'gidMappings':[" MAP (1, 1, 1) "]}]}",
    { { NULL } }, true, { "(on-disk uid 0) as uid 100000" } },
  { "idmap: plain \"idmap\" with a user namespace whose root is mapped away is refused", "mounts",
    "{'mounts':[" BIND_OPTS (",'idmap'") "],'linux':{" MAKES ",'uidMappings':[" MAP (0, 100000, 65536) "],"
    "'gidMappings':[" MAP (0, 100000, 65536) "]}}",
    { { NULL } }, true, { "(on-disk uid 0) as uid 100000", "(on-disk gid 0) as gid 100000" } },
  { "idmap: plain \"ridmap\" likewise", "mounts",
    "{'mounts':[" BIND_OPTS (",'ridmap'") "],'linux':{" MAKES ",'uidMappings':[" MAP (0, 100000, 65536) "],"
    "'gidMappings':[" MAP (0, 100000, 65536) "]}}",
    { { NULL } }, true, { "(on-disk uid 0) as uid 100000" } },
  { "idmap: plain \"idmap\" with a joined namespace uses its real maps", "mounts",
    "{'mounts':[" BIND_OPTS (",'idmap'") "],'linux':{" JOINS ("/proc/5/ns/user") "}}",
    { { "/proc/5/ns/user", "0 200000 65536\n", "0 200000 65536\n" } }, true, { "as uid 200000" } },
  { "idmap: plain \"idmap\" with a joined namespace whose maps are not written yet", "mounts",
    "{'mounts':[" BIND_OPTS (",'idmap'") "],'linux':{" JOINS ("/proc/5/ns/user") "}}",
    { { "/proc/5/ns/user", "", "" } }, true, { "has no maps yet" } },
  { "idmap: plain \"idmap\" without a user namespace is refused", "mounts",
    "{'mounts':[" BIND_OPTS (",'idmap'") "]}",
    { { NULL } }, true, { "without a user namespace to map it with" } },
  { "idmap: crun's option syntax", "mounts",
    "{'mounts':[" BIND_OPTS (",'idmap=uids=0-65534-1#10-11-10;gids=5-5-1'") "]}",
    { { NULL } }, true, { "(on-disk uid 0) as uid 65534" } },
  { "idmap: crun's option syntax away from 0", "mounts",
    "{'mounts':[" BIND_OPTS (",'idmap=uids=1000-65534-1;gids=1000-65534-1'") "]}",
    { { NULL } }, false, { NULL } },
  { "idmap: crun's relative mapping counts from the spec's map", "mounts",
    "{'mounts':[" BIND_OPTS (",'idmap=uids=@1000-0-1;gids=1000-1000-1'") "],'linux':{" MAKES ",'uidMappings':["
    MAP (0, 100000, 65536) "],'gidMappings':[" MAP (0, 100000, 65536) "]}}",
    { { NULL } }, false, { NULL } },
  { "idmap: crun's relative mapping onto 0", "mounts",
    "{'mounts':[" BIND_OPTS (",'idmap=uids=@0-0-1'") "],'linux':{" MAKES ",'uidMappings':["
    MAP (0, 100000, 65536) "],'gidMappings':[" MAP (0, 100000, 65536) "]}}",
    { { NULL } }, true, { "(on-disk uid 0) as uid 100000" } },
  { "idmap: an option crun cannot read is refused", "mounts",
    "{'mounts':[" BIND_OPTS (",'idmap=uids=0-1'") "]}",
    { { NULL } }, true, { "option \"idmap=uids=0-1\" cannot be read" } },
  { "idmap: mappings that are no array are refused", "mounts",
    "{'mounts':[{'destination':'/data','type':'bind','source':'/srv/data','options':['rbind','nosuid','nodev'],"
    "'uidMappings':{'containerID':0}}]}",
    { { NULL } }, true, { "cannot be read" } },
  { "idmap: an idmapped tmpfs is judged too", "mounts",
    "{'mounts':[{'destination':'/t','type':'tmpfs','source':'tmpfs','options':['nosuid','nodev'],"
    "'uidMappings':[" MAP (0, 65534, 1) "],'gidMappings':[" MAP (5, 5, 1) "]}]}",
    { { NULL } }, true, { "idmapped mount at \"/t\"" } },

  /* ---- the cgroup namespace ---- */
  { "cgroupns: given its own where the host has one", "namespaces",
    "{'linux':{'namespaces':[" NS_OTHERS "]}}", { { NULL } }, false,
    { "linux.namespaces: uses the host's cgroup namespace; given its own" }, NULL, true,
    "[" NS_OTHERS ",{'type':'cgroup'}]" },
  { "cgroupns: one already there is kept", "namespaces",
    "{'linux':{'namespaces':[" NS_OTHERS ",{'type':'cgroup'}]}}", { { NULL } }, false, { NULL }, NULL, true, NULL },
  { "cgroupns: a host without cgroup namespaces", "namespaces",
    "{'linux':{'namespaces':[" NS_OTHERS "]}}", { { NULL } }, false, { NULL }, NULL, false, NULL },
};

static struct hr_json *
parse (const char *text)
{
  return hr_test_json ("config.json", text);
}

static void
run_case (const struct idmap_case *c, const char *mode)
{
  hr_fake_reset ();
  for (size_t k = 0; k < HR_ARRAY_SIZE (c->ns) && c->ns[k].path; k++)
    hr_fake_set_userns_maps (c->ns[k].path, c->ns[k].uid_map, c->ns[k].gid_map);
  hr_fake_has_cgroupns = c->cgroupns;
  struct hr_profile p;
  struct hr_error err = { 0 };
  hr_profile_builtin ("restricted", &p, &err);
  for (int i = 0; i < HR_CTL_COUNT; i++)
    p.mode[i] = HR_MODE_OFF;
  p.mode[hr_control_from_name (c->control)] = (enum hr_mode) hr_mode_from_name (mode);
  struct hr_policy_ctx ctx = { .profile = &p, .bundle_dir = "/bundle" };
  cleanup_json struct hr_json *spec = parse (c->in);
  struct hr_report rep;
  int r = hr_policy_apply (&ctx, spec, &rep, &err);
  ok (r == 0, "%s (%s): applies", c->name, mode);
  bool audit = strcmp (mode, "audit") == 0;
  ok (rep.refused == (c->refused && !audit), "%s (%s): %s", c->name, mode,
      c->refused && !audit ? "refused" : "not refused");
  char all[4096] = "";
  size_t off = 0;
  for (size_t i = 0; i < rep.n && off < sizeof all; i++)
    off += (size_t) snprintf (all + off, sizeof all - off, "%s: %s; ", rep.items[i].field, rep.items[i].message);
  if (c->texts[0] == NULL)
    {
      ok (rep.n == 0, "%s (%s): no findings", c->name, mode);
      if (rep.n)
        diag ("  findings: %s", all);
    }
  /* audit rewrites nothing: the findings may be about the ids as they were */
  if (audit && c->texts[0])
    ok (rep.n > 0, "%s (%s): reported", c->name, mode);
  for (size_t k = 0; !audit && k < HR_ARRAY_SIZE (c->texts) && c->texts[k]; k++)
    {
      ok (strstr (all, c->texts[k]) != NULL, "%s (%s): says \"%s\"", c->name, mode, c->texts[k]);
      if (strstr (all, c->texts[k]) == NULL)
        diag ("  findings: %s", all);
    }
  if (c->uid_after && !audit)
    {
      const struct hr_json *uid = hr_json_get_path (spec, "process.user.uid");
      ok (uid && strcmp (hr_json_string (uid) ? hr_json_string (uid) : uid->u.str.s, c->uid_after) == 0,
          "%s (%s): uid is %s", c->name, mode, c->uid_after);
    }
  if (c->ns_after && !audit)
    {
      cleanup_json struct hr_json *want = parse (c->ns_after);
      ok (hr_json_equal (hr_json_get_path (spec, "linux.namespaces"), want), "%s (%s): namespaces as expected",
          c->name, mode);
    }
  hr_report_release (&rep);
  hr_profile_release (&p);
}

int
main (void)
{
  for (size_t i = 0; i < HR_ARRAY_SIZE (cases); i++)
    {
      run_case (&cases[i], "enforce");
      run_case (&cases[i], "audit");
    }

  /* a namespace of the spec's own is never read from the host */
  for (size_t i = 0; i < HR_ARRAY_SIZE (cases); i++)
    if (strcmp (cases[i].name, "made: no host read for a namespace of the spec's own") == 0)
      {
        run_case (&cases[i], "enforce");
        check_int (hr_fake_userns_calls, ==, 0);
      }

  /* the readers */
  struct hr_idmap *m = calloc (1, sizeof *m);
  ok (hr_idmap_from_text ("", m) && m->n == 0, "empty uid_map: no ranges");
  ok (hr_idmap_from_text ("0 0 4294967295\n", m) && m->n == 1 && m->r[0].size == 4294967295, "the host's own map");
  ok (!hr_idmap_from_text ("0 0 4294967296\n", m), "a size beyond 32 bits is refused");
  ok (!hr_idmap_from_text ("0 0\n", m), "a short line is refused");
  ok (!hr_idmap_from_text ("-1 0 1\n", m), "a negative id is refused");
  ok (hr_idmap_from_text ("0 100000 1\n1 0 1\n", m) && hr_idmap_outside (m, 1) == 0 && hr_idmap_outside (m, 2) == -1,
      "outside ids of a two-line map");
  cleanup_free char *big = malloc (341 * 8 + 1);
  big[0] = '\0';
  for (int i = 0; i < 341; i++)
    strcat (big, "0 0 1\n");
  ok (!hr_idmap_from_text (big, m), "more than 340 lines is refused");
  cleanup_json struct hr_json *j = parse ("[{'containerID':1000,'size':1}]");
  ok (hr_idmap_from_json (j, m) && m->n == 1 && hr_idmap_outside (m, 1000) == 0,
      "JSON: an absent hostID is 0, as Go decodes it");
  free (m);
  hr_fake_reset ();
  return done_testing ();
}
