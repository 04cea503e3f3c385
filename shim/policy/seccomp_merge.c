/* seccomp: the container's own filter combined with hardrun's.
 *
 * A workload may ship a filter of its own (Kubernetes' Localhost profile, a
 * recorded profile, a seccomp agent's notify rules). The container must end
 * up at least as strict as both that filter and hardrun's, and ideally no
 * stricter than the stricter of the two for any call. The kernel decides a
 * call by precedence: KILL_PROCESS > KILL_THREAD > TRAP > ERRNO > NOTIFY >
 * TRACE > LOG > ALLOW, so the combination of two decisions is the one that
 * ranks higher (on a tie, the workload's, so that its errnos stay).
 *
 * The combination is computed per system call, as one filter of the same
 * OCI form (runc loads only one). For one call, one side's rules (the
 * "source": the workload's first, then hardrun's) cut the argument space
 * into regions: each rule's condition, and the rest, which falls to the
 * default action. Over each region the other side's possible decisions are
 * bounded from the comparisons (equal, not equal, masked equal, ranges) on
 * 64-bit values: a rule of the other side counts unless its condition is
 * provably disjoint from the region, its default counts unless one of its
 * rules provably covers the region. When the combination ranks the same for
 * every possible decision, the region gets that action: exact. Otherwise
 * the other side is tried as the source, then every pair of rules of the
 * two sides (from_pairs), and if none decides it, the call cannot be
 * combined exactly and the caller refuses it, naming the call. The rest of a call's argument space gets the combined default
 * action; where that ranks higher than the exact answer (a workload whose
 * default is stricter than hardrun's), the result is stricter than both,
 * never looser.
 *
 * A rule that compares one argument twice is read by runc as OR and by
 * crun as AND: it is never used to cut regions, and it counts everywhere.
 *
 * Rules whose action equals their filter's default are skipped, as runc
 * skips them. Overlapping rules of one source must rank the same, so that
 * whichever of them libseccomp picks, the combination ranks the same. */
#include "config.h"
#include "policy/seccomp.h"
#include "cleanup.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Limits on the container's own filter, beyond those of seccomp.h. */
#define MAX_ENTRIES 65536       /* (name, rule) pairs over all rules */
#define MAX_RULES_PER_CALL 256

enum rank
{
  R_ALLOW,
  R_LOG,
  R_TRACE,
  R_NOTIFY,
  R_ERRNO,
  R_TRAP,
  R_KILL_THREAD,
  R_KILL_PROCESS,
};

static const struct
{
  const char *name;
  enum rank rank;
} action_names[] = {
  { "SCMP_ACT_ALLOW", R_ALLOW },
  { "SCMP_ACT_LOG", R_LOG },
  { "SCMP_ACT_TRACE", R_TRACE },
  { "SCMP_ACT_NOTIFY", R_NOTIFY },
  { "SCMP_ACT_ERRNO", R_ERRNO },
  { "SCMP_ACT_TRAP", R_TRAP },
  { "SCMP_ACT_KILL", R_KILL_THREAD },
  { "SCMP_ACT_KILL_THREAD", R_KILL_THREAD },
  { "SCMP_ACT_KILL_PROCESS", R_KILL_PROCESS },
};

struct act
{
  enum rank rank;
  const char *name;             /* borrowed */
  const struct hr_json *errno_node;     /* borrowed: errnoRet, NULL if absent */
  uint64_t errno_value;         /* what runc makes of it: EPERM when absent */
  bool own;                     /* from the container's filter */
};

enum cmp_kind
{
  C_PAT,                        /* x & a == b */
  C_NE,                         /* x != a */
  C_RANGE,                      /* a <= x <= b */
  C_EMPTY,                      /* nothing */
};

struct cmp
{
  unsigned index;
  enum cmp_kind kind;
  uint64_t a, b;
};

struct rule
{
  struct act act;
  unsigned n;
  struct cmp c[HR_SECCOMP_MAX_ARGS];
  const struct hr_json *args;   /* borrowed, NULL when unconditional */
  bool twice;                   /* compares one argument twice: runc reads
                                 * that as OR, crun as AND */
};

struct entry
{
  const char *name;             /* borrowed */
  bool own;
  size_t rule;
};

struct filter
{
  struct act def;
  struct rule *rules;           /* owned */
  size_t nrules;
  const char *arches[HR_SECCOMP_MAX_ARCHES + 1];        /* borrowed: the native one first */
  size_t narches;
};

static void
filter_release (struct filter *f)
{
  free (f->rules);
  f->rules = NULL;
}

/* ------------------------------------------------------------------ */
/* Reading a filter                                                    */

static bool
errno_takes (enum rank r)
{
  return r == R_ERRNO || r == R_TRACE;
}

static int
read_act (const struct hr_json *obj, const char *action_key, const char *errno_key, bool own, const char *where,
          struct act *ret, struct hr_error *err)
{
  const char *name = hr_json_string (hr_json_get (obj, action_key));
  if (name == NULL)
    return hr_error_set (err, EINVAL, "%s%s: expected an action", where, action_key);
  size_t i = 0;
  while (i < HR_ARRAY_SIZE (action_names) && strcmp (action_names[i].name, name) != 0)
    i++;
  if (i == HR_ARRAY_SIZE (action_names))
    return hr_error_set (err, EINVAL, "%s%s: unknown action \"%s\"", where, action_key, name);
  *ret = (struct act) { .rank = action_names[i].rank, .name = name, .errno_value = EPERM, .own = own };
  const struct hr_json *e = hr_json_get (obj, errno_key);
  if (e && e->type != HR_JSON_NULL && errno_takes (ret->rank))
    {
      uint64_t v;
      if (!hr_json_u64_value (e, &v) || e->u.str.s[0] == '-' || v > HR_SECCOMP_MAX_ERRNO)
        return hr_error_set (err, EINVAL, "%s%s: expected an integer from 0 to %d", where, errno_key,
                             HR_SECCOMP_MAX_ERRNO);
      ret->errno_node = e;
      ret->errno_value = v;
    }
  return 0;
}

static bool
act_equal (const struct act *a, const struct act *b)
{
  return a->rank == b->rank && (!errno_takes (a->rank) || a->errno_value == b->errno_value);
}

static int
read_cmp (const struct hr_json *arg, const char *where, struct cmp *ret, struct hr_error *err)
{
  static const char *const ops[] = { "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ",
                                     "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ" };
  if (!hr_json_is_object (arg))
    return hr_error_set (err, EINVAL, "%s: expected an object", where);
  uint64_t index = 0, value = 0, two = 0;
  const struct hr_json *v;
  if (((v = hr_json_get (arg, "index")) && !(hr_json_u64_value (v, &index) && index < HR_SECCOMP_MAX_ARGS))
      || ((v = hr_json_get (arg, "value")) && !hr_json_u64_value (v, &value))
      || ((v = hr_json_get (arg, "valueTwo")) && !hr_json_u64_value (v, &two)))
    return hr_error_set (err, EINVAL, "%s: index, value and valueTwo must be unsigned integers (index below %d)", where,
                         HR_SECCOMP_MAX_ARGS);
  const char *op = hr_json_string (hr_json_get (arg, "op"));
  size_t i = 0;
  while (op && i < HR_ARRAY_SIZE (ops) && strcmp (ops[i], op) != 0)
    i++;
  if (op == NULL || i == HR_ARRAY_SIZE (ops))
    return hr_error_set (err, EINVAL, "%s.op: unknown operator \"%s\"", where, op ? op : "");
  ret->index = (unsigned) index;
  switch (i)
    {
    case 0:                    /* NE */
      *ret = (struct cmp) { ret->index, C_NE, value, 0 };
      break;
    case 1:                    /* LT */
      *ret = value ? (struct cmp) { ret->index, C_RANGE, 0, value - 1 } : (struct cmp) { ret->index, C_EMPTY, 0, 0 };
      break;
    case 2:                    /* LE */
      *ret = (struct cmp) { ret->index, C_RANGE, 0, value };
      break;
    case 3:                    /* EQ */
      *ret = (struct cmp) { ret->index, C_PAT, UINT64_MAX, value };
      break;
    case 4:                    /* GE */
      *ret = (struct cmp) { ret->index, C_RANGE, value, UINT64_MAX };
      break;
    case 5:                    /* GT */
      *ret = value != UINT64_MAX ? (struct cmp) { ret->index, C_RANGE, value + 1, UINT64_MAX }
                                 : (struct cmp) { ret->index, C_EMPTY, 0, 0 };
      break;
    default:                   /* MASKED_EQ: value is the mask, valueTwo the datum */
      *ret = (two & ~value) ? (struct cmp) { ret->index, C_EMPTY, 0, 0 }
                            : (struct cmp) { ret->index, C_PAT, value, two };
      break;
    }
  return 0;
}

static bool
arch_listed (const struct filter *f, const char *arch)
{
  for (size_t i = 0; i < f->narches; i++)
    if (strcmp (f->arches[i], arch) == 0)
      return true;
  return false;
}

/* Reads an OCI linux.seccomp object; OWN marks the container's. WHERE
 * prefixes messages. *RET_ENTRIES grows by one entry per (name, rule). */
static int
read_filter (const struct hr_json *oci, bool own, const char *native, const char *where, struct filter *ret,
             struct entry **entries, size_t *nentries, struct hr_error *err)
{
  memset (ret, 0, sizeof *ret);
  if (!hr_json_is_object (oci))
    return hr_error_set (err, EINVAL, "%s: expected an object", where);
  char at[128];
  snprintf (at, sizeof at, "%s.", where);
  int r = read_act (oci, "defaultAction", "defaultErrnoRet", own, at, &ret->def, err);
  if (r < 0)
    return r;

  /* libseccomp always filters the native architecture, and runc adds the
   * listed ones */
  ret->arches[ret->narches++] = native;
  const struct hr_json *list = hr_json_get (oci, "architectures");
  if (list && list->type != HR_JSON_NULL && !hr_json_is_array (list))
    return hr_error_set (err, EINVAL, "%s.architectures: expected an array", where);
  if (hr_json_len (list) > HR_SECCOMP_MAX_ARCHES)
    return hr_error_set (err, E2BIG, "%s.architectures: more than %d entries", where, HR_SECCOMP_MAX_ARCHES);
  for (size_t i = 0; i < hr_json_len (list); i++)
    {
      const char *a = hr_json_string (hr_json_at (list, i));
      if (a == NULL)
        return hr_error_set (err, EINVAL, "%s.architectures[%zu]: expected a string", where, i);
      if (!arch_listed (ret, a))
        ret->arches[ret->narches++] = a;
    }

  const struct hr_json *rules = hr_json_get (oci, "syscalls");
  if (rules && rules->type != HR_JSON_NULL && !hr_json_is_array (rules))
    return hr_error_set (err, EINVAL, "%s.syscalls: expected an array", where);
  size_t n = hr_json_len (rules);
  if (n > HR_SECCOMP_MAX_RULES)
    return hr_error_set (err, E2BIG, "%s.syscalls: more than %d entries", where, HR_SECCOMP_MAX_RULES);
  ret->rules = calloc (n + 1, sizeof *ret->rules);
  if (ret->rules == NULL)
    return hr_error_set (err, ENOMEM, "out of memory");
  for (size_t i = 0; i < n; i++)
    {
      const struct hr_json *rule = hr_json_at (rules, i);
      struct rule *out = &ret->rules[ret->nrules];
      snprintf (at, sizeof at, "%s.syscalls[%zu]", where, i);
      if (!hr_json_is_object (rule))
        return hr_error_set (err, EINVAL, "%s: expected an object", at);
      char at_dot[160];
      snprintf (at_dot, sizeof at_dot, "%s.", at);
      if ((r = read_act (rule, "action", "errnoRet", own, at_dot, &out->act, err)) < 0)
        return r;
      const struct hr_json *args = hr_json_get (rule, "args");
      if (args && args->type != HR_JSON_NULL && !hr_json_is_array (args))
        return hr_error_set (err, EINVAL, "%s.args: expected an array", at);
      if (hr_json_len (args) > HR_SECCOMP_MAX_ARGS)
        return hr_error_set (err, E2BIG, "%s.args: more than %d entries", at, HR_SECCOMP_MAX_ARGS);
      for (size_t k = 0; k < hr_json_len (args); k++)
        {
          char at_arg[200];
          snprintf (at_arg, sizeof at_arg, "%s.args[%zu]", at, k);
          if ((r = read_cmp (hr_json_at (args, k), at_arg, &out->c[out->n++], err)) < 0)
            return r;
        }
      out->args = out->n ? args : NULL;
      for (unsigned a = 0; a < out->n; a++)
        for (unsigned b = 0; b < a; b++)
          out->twice |= out->c[a].index == out->c[b].index;
      const struct hr_json *names = hr_json_get (rule, "names");
      if (names && names->type != HR_JSON_NULL && !hr_json_is_array (names))
        return hr_error_set (err, EINVAL, "%s.names: expected an array", at);
      if (hr_json_len (names) > HR_SECCOMP_MAX_NAMES)
        return hr_error_set (err, E2BIG, "%s.names: more than %d entries", at, HR_SECCOMP_MAX_NAMES);
      /* runc skips a rule whose action is the default */
      bool skipped = act_equal (&out->act, &ret->def);
      for (size_t k = 0; k < hr_json_len (names); k++)
        {
          const char *name = hr_json_string (hr_json_at (names, k));
          if (name == NULL)
            return hr_error_set (err, EINVAL, "%s.names[%zu]: expected a string", at, k);
          if (skipped)
            continue;
          if (*nentries >= MAX_ENTRIES)
            return hr_error_set (err, E2BIG, "%s: more than %d system call names in all", where, MAX_ENTRIES);
          if (*nentries % 256 == 0)
            {
              struct entry *ne = realloc (*entries, (*nentries + 256) * sizeof *ne);
              if (ne == NULL)
                return hr_error_set (err, ENOMEM, "out of memory");
              *entries = ne;
            }
          (*entries)[(*nentries)++] = (struct entry) { .name = name, .own = own, .rule = ret->nrules };
        }
      ret->nrules++;
    }
  return 0;
}

/* ------------------------------------------------------------------ */
/* Conditions                                                          */

static uint64_t
pat_min (const struct cmp *c)
{
  return c->b;
}

static uint64_t
pat_max (const struct cmp *c)
{
  return c->b | ~c->a;
}

/* Every bit at or below the highest one set in DIFF: the bits in which the
 * values of a range [lo, hi] may differ (DIFF = lo ^ hi). */
static uint64_t
low_bits (uint64_t diff)
{
  uint64_t low = 0;
  while (diff)
    {
      low = (low << 1) | 1;
      diff >>= 1;
    }
  return low;
}

/* No value satisfies both P and Q (on the same argument). */
static bool
cmp_disjoint (const struct cmp *p, const struct cmp *q)
{
  if (p->kind == C_EMPTY || q->kind == C_EMPTY)
    return true;
  if (p->kind > q->kind)
    {
      const struct cmp *t = p;
      p = q;
      q = t;
    }
  switch (p->kind)
    {
    case C_PAT:
      if (q->kind == C_PAT)
        return ((p->b ^ q->b) & p->a & q->a) != 0;
      if (q->kind == C_NE)
        return p->a == UINT64_MAX && p->b == q->a;
      /* a range: beyond the pattern's smallest and largest values, or
       * all of its values agree on the masked bits, and not as the
       * pattern wants */
      if (pat_max (p) < q->a || pat_min (p) > q->b)
        return true;
      return (p->a & low_bits (q->a ^ q->b)) == 0 && (q->a & p->a) != p->b;
    case C_NE:
      if (q->kind == C_NE)
        return false;
      return q->a == q->b && q->a == p->a;
    case C_RANGE:
      return p->b < q->a || q->b < p->a;
    default:
      return true;
    }
}

/* Every value satisfying P satisfies Q. */
static bool
cmp_within (const struct cmp *p, const struct cmp *q)
{
  if (p->kind == C_EMPTY)
    return true;
  switch (q->kind)
    {
    case C_NE:
      {
        struct cmp point = { q->index, C_PAT, UINT64_MAX, q->a };
        return cmp_disjoint (p, &point);
      }
    case C_PAT:
      if (p->kind == C_PAT)
        return (q->a & ~p->a) == 0 && (p->b & q->a) == q->b;
      if (p->kind == C_RANGE)
        {
          /* every value of the range shares the bits above the highest
           * one where its ends differ; the mask must look at those alone */
          return (q->a & low_bits (p->a ^ p->b)) == 0 && (p->a & q->a) == q->b;
        }
      return false;
    case C_RANGE:
      if (p->kind == C_PAT)
        return pat_min (p) >= q->a && pat_max (p) <= q->b;
      if (p->kind == C_RANGE)
        return p->a >= q->a && p->b <= q->b;
      return q->a == 0 && q->b == UINT64_MAX;
    default:
      return false;
    }
}

/* A region: the conjunction of up to HR_SECCOMP_MAX_ARGS comparisons; none
 * for the whole argument space. */
static bool
rule_disjoint (const struct rule *a, const struct rule *b)
{
  for (unsigned i = 0; i < a->n; i++)
    {
      if (a->c[i].kind == C_EMPTY)
        return true;
      for (unsigned j = 0; j < b->n; j++)
        if (a->c[i].index == b->c[j].index && cmp_disjoint (&a->c[i], &b->c[j]))
          return true;
    }
  for (unsigned j = 0; j < b->n; j++)
    if (b->c[j].kind == C_EMPTY)
      return true;
  return false;
}

/* Region A lies within rule B's condition. */
static bool
rule_within (const struct rule *a, const struct rule *b)
{
  for (unsigned i = 0; i < a->n; i++)
    if (a->c[i].kind == C_EMPTY)
      return true;
  for (unsigned j = 0; j < b->n; j++)
    {
      bool ok = false;
      for (unsigned i = 0; i < a->n && !ok; i++)
        ok = a->c[i].index == b->c[j].index && cmp_within (&a->c[i], &b->c[j]);
      if (!ok)
        return false;
    }
  return true;
}

/* ------------------------------------------------------------------ */
/* One system call                                                     */

/* One side's rules for one call. */
struct side
{
  const struct filter *f;
  const struct rule *rules[MAX_RULES_PER_CALL];
  size_t n;
  bool conditional, unconditional;
};

/* What one region of the result gets. */
struct piece
{
  const struct rule *region;    /* NULL: the whole call */
  struct act act;
  unsigned n;                   /* > 0: the comparisons are these, not REGION's */
  struct cmp c[HR_SECCOMP_MAX_ARGS];
};

struct call
{
  struct piece pieces[MAX_RULES_PER_CALL];
  size_t n;
  bool stricter;                /* the rest of the call gets more than the exact answer */
  bool kept;                    /* exactly the container's own rules */
};

/* Adds A to the set OUT (of at most MAX). */
static void
set_add (struct act *out, size_t *n, size_t max, const struct act *a)
{
  for (size_t i = 0; i < *n; i++)
    if (act_equal (&out[i], a) && out[i].own == a->own)
      return;
  if (*n < max)
    out[(*n)++] = *a;
}

struct interval
{
  uint64_t lo, hi;
};

static int
cmp_interval (const void *a, const void *b)
{
  const struct interval *x = a, *y = b;
  return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* REGION lies within the union of OTHER's rules: for one argument, the
 * rules comparing that argument alone (as ranges, points or "not equal")
 * leave gaps, and each gap is disjoint from the region. */
static bool
covered_by_union (const struct rule *region, const struct side *other)
{
  struct interval iv[2 * MAX_RULES_PER_CALL];
  for (unsigned k = 0; k < region->n; k++)
    {
      unsigned index = region->c[k].index;
      size_t n = 0;
      for (size_t j = 0; j < other->n; j++)
        {
          const struct rule *o = other->rules[j];
          if (o->n != 1 || o->c[0].index != index)
            continue;
          const struct cmp *c = &o->c[0];
          if (c->kind == C_RANGE)
            iv[n++] = (struct interval) { c->a, c->b };
          else if (c->kind == C_PAT && c->a == UINT64_MAX)
            iv[n++] = (struct interval) { c->b, c->b };
          else if (c->kind == C_NE)
            {
              if (c->a > 0)
                iv[n++] = (struct interval) { 0, c->a - 1 };
              if (c->a < UINT64_MAX)
                iv[n++] = (struct interval) { c->a + 1, UINT64_MAX };
            }
        }
      if (n == 0)
        continue;
      qsort (iv, n, sizeof *iv, cmp_interval);
      /* walk the gaps of the union */
      bool all_disjoint = true, done = false;
      uint64_t next = 0;        /* the smallest value not yet covered */
      for (size_t i = 0; i <= n && all_disjoint && !done; i++)
        {
          uint64_t lo = i < n ? iv[i].lo : UINT64_MAX;
          bool last = i == n;
          if (last || lo > next)
            {
              struct cmp gap = { index, C_RANGE, next, last ? UINT64_MAX : lo - 1 };
              bool disjoint = false;
              for (unsigned m = 0; m < region->n && !disjoint; m++)
                disjoint = region->c[m].index == index && cmp_disjoint (&region->c[m], &gap);
              all_disjoint = disjoint;
            }
          if (last)
            break;
          if (iv[i].hi == UINT64_MAX)
            done = true;
          else if (iv[i].hi + 1 > next)
            next = iv[i].hi + 1;
        }
      if (all_disjoint)
        return true;
    }
  return false;
}

/* The decisions OTHER may take over REGION (NULL: the whole call; REST:
 * where none of SRC's rules applies). An over-approximation. */
static size_t
outcomes (const struct side *other, const struct rule *region, const struct side *rest_of, struct act *out,
          size_t max)
{
  size_t n = 0;
  bool covered = false;
  for (size_t j = 0; j < other->n; j++)
    {
      const struct rule *o = other->rules[j];
      bool counts = true;
      if (o->twice)
        ;                       /* its region is not known: it may apply anywhere */
      else if (region)
        counts = !rule_disjoint (region, o);
      else if (rest_of)
        for (size_t i = 0; i < rest_of->n && counts; i++)
          counts = rest_of->rules[i]->twice || !rule_within (o, rest_of->rules[i]);
      if (counts)
        set_add (out, &n, max, &o->act);
      if (o->n == 0 || (region && !o->twice && rule_within (region, o)))
        covered = true;
    }
  if (!covered && region && covered_by_union (region, other))
    covered = true;
  if (!covered && n < max)
    {
      /* first: on a tie of errnos, the default's is the one that holds
       * for most of the region */
      memmove (out + 1, out, n * sizeof *out);
      out[0] = other->f->def;
      n++;
      for (size_t i = 1; i < n; i++)
        if (act_equal (&out[i], &out[0]) && out[i].own == out[0].own)
          {
            memmove (out + i, out + i + 1, (n - i - 1) * sizeof *out);
            n--;
            break;
          }
    }
  return n;
}

/* The combination of S with every decision in O, when they all rank the
 * same; the container's action on a tie. */
static bool
combine (const struct act *s, const struct act *o, size_t n, struct act *ret)
{
  enum rank r = s->rank;
  for (size_t i = 0; i < n; i++)
    if (o[i].rank > r)
      r = o[i].rank;
  const struct act *pick = s->rank == r ? s : NULL;
  for (size_t i = 0; i < n; i++)
    {
      enum rank c = s->rank > o[i].rank ? s->rank : o[i].rank;
      if (c != r)
        return false;
      if (o[i].rank == r && (pick == NULL || (o[i].own && !pick->own)))
        pick = &o[i];
    }
  *ret = *pick;
  return true;
}

/* SRC's regions, each combined with OTHER's decisions over it; DEF is the
 * result's default action. */
static bool
from_source (const struct side *src, const struct side *other, const struct act *def, struct call *ret)
{
  struct act o[MAX_RULES_PER_CALL + 1];
  ret->n = 0;
  ret->stricter = false;
  ret->kept = src->f->def.own;
  if (src->conditional && src->unconditional)
    return false;
  if (!src->conditional)
    {
      /* one region: the whole call */
      const struct act *a = src->n ? &src->rules[0]->act : &src->f->def;
      for (size_t i = 1; i < src->n; i++)
        if (!act_equal (&src->rules[i]->act, a))
          return false;
      size_t n = outcomes (other, NULL, NULL, o, HR_ARRAY_SIZE (o));
      struct piece p = { .region = NULL };
      if (!combine (a, o, n, &p.act))
        return false;
      ret->kept = ret->kept && act_equal (&p.act, a);
      ret->pieces[ret->n++] = p;
      return true;
    }
  for (size_t i = 0; i < src->n; i++)
    {
      if (src->rules[i]->twice)
        return false;
      for (size_t j = 0; j < i; j++)
        if (src->rules[i]->act.rank != src->rules[j]->act.rank && !rule_disjoint (src->rules[i], src->rules[j]))
          return false;
    }
  for (size_t i = 0; i < src->n; i++)
    {
      size_t n = outcomes (other, src->rules[i], NULL, o, HR_ARRAY_SIZE (o));
      struct piece p = { .region = src->rules[i] };
      if (!combine (&src->rules[i]->act, o, n, &p.act))
        return false;
      ret->kept = ret->kept && act_equal (&p.act, &src->rules[i]->act);
      ret->pieces[ret->n++] = p;
    }
  /* the rest falls to the result's default */
  size_t n = outcomes (other, NULL, src, o, HR_ARRAY_SIZE (o));
  struct act rest;
  if (!combine (&src->f->def, o, n, &rest) || rest.rank > def->rank)
    return false;
  ret->stricter = rest.rank < def->rank;
  return true;
}

/* A comparison as runc takes one (no ranges bounded on both sides). */
static bool
single_op (const struct cmp *c)
{
  return c->kind != C_RANGE || c->a == 0 || c->b == UINT64_MAX;
}

/* Adds to RET the pieces for X and Y both applying, with action ACT: the
 * comparisons of both, where one argument compared on both sides is
 * compared once (the narrower comparison, or, for a pattern less one
 * value, the disjoint patterns that make it up). False when that cannot
 * be written. */
static bool
add_pair (const struct rule *x, const struct rule *y, const struct act *act, struct call *ret)
{
  struct piece pc = { .region = x, .act = *act };
  const struct cmp *split = NULL;       /* a pattern less a value */
  uint64_t point = 0;
  unsigned split_at = 0;
  for (unsigned p = 0; p < x->n; p++)
    {
      const struct cmp *c = &x->c[p];
      for (unsigned q = 0; q < y->n; q++)
        if (y->c[q].index == c->index)
          {
            const struct cmp *d = &y->c[q];
            if (cmp_within (d, c))
              c = d;
            else if (cmp_within (c, d))
              ;
            else if (split == NULL && c->kind == C_PAT && d->kind == C_NE)
              {
                split = c;
                point = d->a;
              }
            else if (split == NULL && d->kind == C_PAT && c->kind == C_NE)
              {
                split = d;
                point = c->a;
                c = d;
              }
            else
              return false;
          }
      if (!single_op (c))
        return false;
      if (split && c == split)
        split_at = pc.n;
      pc.c[pc.n++] = *c;
    }
  for (unsigned q = 0; q < y->n; q++)
    {
      bool shared = false;
      for (unsigned p = 0; p < x->n; p++)
        shared |= x->c[p].index == y->c[q].index;
      if (shared)
        continue;
      if (pc.n == HR_SECCOMP_MAX_ARGS || !single_op (&y->c[q]))
        return false;
      pc.c[pc.n++] = y->c[q];
    }
  if (split == NULL)
    {
      if (ret->n == MAX_RULES_PER_CALL)
        return false;
      ret->pieces[ret->n++] = pc;
      return true;
    }
  /* the pattern (mask M, value V) less POINT, which it holds: one
   * pattern per free bit B, agreeing with POINT on the free bits above B
   * and differing from it at B */
  uint64_t m = split->a, v = split->b, above = 0;
  for (int b = 63; b >= 0; b--)
    {
      uint64_t bit = UINT64_C (1) << b;
      if (m & bit)
        continue;
      if (ret->n == MAX_RULES_PER_CALL)
        return false;
      struct piece one = pc;
      one.c[split_at].kind = C_PAT;
      one.c[split_at].a = m | above | bit;
      one.c[split_at].b = v | (point & above) | (~point & bit);
      ret->pieces[ret->n++] = one;
      above |= bit;
    }
  return true;
}

/* Both sides cut the call by conditions on different arguments (say
 * hardrun's on the socket family, the workload's on the protocol): the
 * result takes every pair of rules that may both apply, with the
 * conditions of both (a rule's comparisons all hold together) and the
 * combination of their actions. Where only one side's rule applies, or
 * none, the call falls to the result's default: that is exact only when
 * each rule combined with the other side's default ranks as the result's
 * default does, which is required. */
static bool
from_pairs (const struct side *a, const struct side *b, const struct act *def, struct call *ret)
{
  ret->n = 0;
  ret->stricter = false;
  ret->kept = false;
  const struct side *sides[] = { a, b };
  for (size_t k = 0; k < 2; k++)
    {
      const struct side *s = sides[k], *o = sides[1 - k];
      if (!s->conditional || s->unconditional)
        return false;
      for (size_t i = 0; i < s->n; i++)
        {
          struct act c;
          if (s->rules[i]->twice || !combine (&s->rules[i]->act, &o->f->def, 1, &c) || c.rank != def->rank)
            return false;
          for (size_t j = 0; j < i; j++)
            if (s->rules[i]->act.rank != s->rules[j]->act.rank && !rule_disjoint (s->rules[i], s->rules[j]))
              return false;
        }
    }
  for (size_t i = 0; i < a->n; i++)
    for (size_t j = 0; j < b->n; j++)
      {
        const struct rule *x = a->rules[i], *y = b->rules[j];
        if (rule_disjoint (x, y))
          continue;
        struct act act;
        combine (&x->act, &y->act, 1, &act);
        if (!add_pair (x, y, &act, ret))
          return false;
      }
  return true;
}

/* ------------------------------------------------------------------ */
/* The result                                                          */

static int
cmp_entry (const void *a, const void *b)
{
  const struct entry *x = a, *y = b;
  int c = strcmp (x->name, y->name);
  if (c)
    return c;
  if (x->own != y->own)
    return x->own ? 1 : -1;
  return x->rule < y->rule ? -1 : x->rule > y->rule;
}

static int
set_action (struct hr_json *obj, const char *action_key, const char *errno_key, const struct act *a)
{
  int r = hr_json_set (obj, action_key, hr_json_new_string (a->name), NULL);
  if (r == 0 && errno_takes (a->rank) && a->errno_node)
    r = hr_json_set (obj, errno_key, hr_json_copy (a->errno_node), NULL);
  return r;
}

/* Unconditional rules of the result, grouped by action. */
struct group
{
  struct act act;
  struct hr_json *names;        /* owned */
};

static int
add_unconditional (struct group **groups, size_t *n, const struct act *a, const char *name)
{
  size_t i = 0;
  while (i < *n && !(act_equal (&(*groups)[i].act, a) && strcmp ((*groups)[i].act.name, a->name) == 0))
    i++;
  if (i == *n)
    {
      struct group *g = realloc (*groups, (*n + 1) * sizeof *g);
      if (g == NULL)
        return -ENOMEM;
      *groups = g;
      g[i] = (struct group) { *a, hr_json_new_array () };
      if (g[i].names == NULL)
        return -ENOMEM;
      (*n)++;
    }
  return hr_json_append ((*groups)[i].names, hr_json_new_string (name), NULL);
}

/* The OCI args of a piece's explicit comparisons (new, owned; NULL when
 * out of memory). */
static struct hr_json *
args_of (const struct piece *pc)
{
  struct hr_json *args = hr_json_new_array ();
  for (unsigned i = 0; args && i < pc->n; i++)
    {
      const struct cmp *c = &pc->c[i];
      const char *op;
      uint64_t value, two = 0;
      switch (c->kind)
        {
        case C_PAT:
          op = c->a == UINT64_MAX ? "SCMP_CMP_EQ" : "SCMP_CMP_MASKED_EQ";
          value = c->a == UINT64_MAX ? c->b : c->a;
          two = c->a == UINT64_MAX ? 0 : c->b;
          break;
        case C_NE:
          op = "SCMP_CMP_NE";
          value = c->a;
          break;
        case C_RANGE:
          op = c->a == 0 ? "SCMP_CMP_LE" : "SCMP_CMP_GE";
          value = c->a == 0 ? c->b : c->a;
          break;
        default:               /* nothing: a mask bit that must be both */
          op = "SCMP_CMP_MASKED_EQ";
          value = 0;
          two = 1;
          break;
        }
      struct hr_json *arg = hr_json_new_object ();
      if (arg == NULL || hr_json_set (arg, "index", hr_json_new_u64 (c->index), NULL) < 0
          || hr_json_set (arg, "value", hr_json_new_u64 (value), NULL) < 0
          || hr_json_set (arg, "valueTwo", hr_json_new_u64 (two), NULL) < 0
          || hr_json_set (arg, "op", hr_json_new_string (op), NULL) < 0)
        {
          hr_json_free (arg);
          hr_json_free (args);
          return NULL;
        }
      if (hr_json_append (args, arg, NULL) < 0)
        {
          hr_json_free (args);
          return NULL;
        }
    }
  return args;
}

static bool
drops_spec_allow (const struct hr_json *flags)
{
  for (size_t i = 0; i < hr_json_len (flags); i++)
    if (hr_json_string (hr_json_at (flags, i))
        && strcmp (hr_json_string (hr_json_at (flags, i)), "SECCOMP_FILTER_FLAG_SPEC_ALLOW") == 0)
      return true;
  return false;
}

bool
hr_seccomp_has_listener (const struct hr_json *seccomp)
{
  const struct hr_json *l = hr_json_get (seccomp, "listenerPath");
  return hr_json_is_string (l) && l->u.str.len > 0;
}

bool
hr_seccomp_is_filter (const struct hr_json *seccomp)
{
  /* runc: no default action and no rules is no filter */
  const char *def = hr_json_string (hr_json_get (seccomp, "defaultAction"));
  return hr_json_is_object (seccomp) && ((def && *def) || hr_json_len (hr_json_get (seccomp, "syscalls")) > 0);
}

int
hr_seccomp_merge (const struct hr_json *ours, const struct hr_json *own, const char *native, struct hr_json **ret,
                  char *stricter, size_t size, struct hr_error *err)
{
  *ret = NULL;
  if (stricter && size > 0)
    stricter[0] = '\0';
  cleanup_free struct entry *entries = NULL;
  size_t nentries = 0;
  struct filter h = { 0 }, w = { 0 };
  cleanup_free struct group *groups = NULL;
  size_t ngroups = 0;
  cleanup_json struct hr_json *out = NULL;
  cleanup_free struct call *call = malloc (sizeof *call);
  cleanup_free struct call *alt = malloc (sizeof *alt);
  int r = call && alt ? 0 : hr_error_set (err, ENOMEM, "out of memory");
  if (r == 0)
    r = read_filter (ours, false, native, "hardrun's filter", &h, &entries, &nentries, err);
  if (r == 0)
    r = read_filter (own, true, native, "linux.seccomp", &w, &entries, &nentries, err);
  if (r < 0)
    goto done;

  struct act def;
  combine (&h.def, &w.def, 1, &def);
  bool kept = act_equal (&def, &w.def) && !drops_spec_allow (hr_json_get (own, "flags"));

  out = hr_json_new_object ();
  if (out == NULL || set_action (out, "defaultAction", "defaultErrnoRet", &def) < 0
      || hr_json_set (out, "architectures", hr_json_new_array (), NULL) < 0
      || hr_json_set (out, "syscalls", hr_json_new_array (), NULL) < 0)
    {
      r = hr_error_set (err, ENOMEM, "out of memory");
      goto done;
    }
  struct hr_json *arches = hr_json_get (out, "architectures");
  struct hr_json *syscalls = hr_json_get (out, "syscalls");
  /* only what both filter: elsewhere one of them kills the call already */
  for (size_t i = 0; i < h.narches && r == 0; i++)
    if (arch_listed (&w, h.arches[i]) && hr_json_append (arches, hr_json_new_string (h.arches[i]), NULL) < 0)
      r = hr_error_set (err, ENOMEM, "out of memory");
  if (r < 0)
    goto done;
  kept = kept && hr_json_len (arches) == w.narches;

  if (nentries > 0)
    qsort (entries, nentries, sizeof *entries, cmp_entry);
  for (size_t i = 0; i < nentries && r == 0;)
    {
      const char *name = entries[i].name;
      struct side hs = { .f = &h }, ws = { .f = &w };
      size_t j = i;
      for (; j < nentries && strcmp (entries[j].name, name) == 0; j++)
        {
          struct side *s = entries[j].own ? &ws : &hs;
          const struct rule *rule = &(entries[j].own ? &w : &h)->rules[entries[j].rule];
          bool seen = false;    /* a name listed twice, or a rule repeated */
          for (size_t k = 0; k < s->n && !seen; k++)
            seen = s->rules[k] == rule
                   || (act_equal (&s->rules[k]->act, &rule->act) && s->rules[k]->act.rank == rule->act.rank
                       && hr_json_equal (s->rules[k]->args, rule->args));
          if (seen)
            continue;
          if (s->n == MAX_RULES_PER_CALL)
            {
              r = hr_error_set (err, E2BIG, "linux.seccomp: more than %d rules for \"%s\"", MAX_RULES_PER_CALL, name);
              break;
            }
          s->rules[s->n++] = rule;
          if (rule->n)
            s->conditional = true;
          else
            s->unconditional = true;
        }
      i = j;
      if (r < 0)
        break;
      /* exact first, the container's rules first; stricter than both
       * only when nothing exact is found */
      bool found = from_source (&ws, &hs, &def, call);
      if (!found || call->stricter)
        {
          bool alt_found = from_source (&hs, &ws, &def, alt);
          if (alt_found && (!found || !alt->stricter))
            {
              memcpy (call, alt, sizeof *call);
              found = true;
            }
        }
      if (!found || call->stricter)
        {
          /* conditions on different arguments: every pair of rules */
          if (from_pairs (&ws, &hs, &def, alt))
            {
              memcpy (call, alt, sizeof *call);
              found = true;
            }
        }
      if (!found)
        {
          r = hr_error_set (err, EDOM, "the container's own filter and hardrun's decide \"%s\" under argument "
                            "conditions whose combination hardrun cannot compute exactly", name);
          break;
        }
      kept = kept && call->kept && !call->stricter;
      if (call->stricter && stricter && size > 0)
        {
          size_t used = strlen (stricter);
          if (used + strlen (name) + 8 < size)
            snprintf (stricter + used, size - used, "%s\"%s\"", used ? ", " : "", name);
          else if (used + 5 < size && strcmp (stricter + used - 3, "...") != 0)
            snprintf (stricter + used, size - used, ", ...");
        }
      for (size_t p = 0; p < call->n && r == 0; p++)
        {
          const struct piece *pc = &call->pieces[p];
          if (pc->region == NULL)
            {
              if (!act_equal (&pc->act, &def))
                r = add_unconditional (&groups, &ngroups, &pc->act, name);
              continue;
            }
          struct hr_json *rule = hr_json_new_object ();
          if (rule == NULL || hr_json_set (rule, "names", hr_json_new_array (), NULL) < 0
              || hr_json_append (hr_json_get (rule, "names"), hr_json_new_string (name), NULL) < 0
              || set_action (rule, "action", "errnoRet", &pc->act) < 0
              || hr_json_set (rule, "args", pc->n ? args_of (pc) : hr_json_copy (pc->region->args), NULL) < 0)
            {
              hr_json_free (rule);
              r = -ENOMEM;
              break;
            }
          if (hr_json_append (syscalls, rule, NULL) < 0)
            r = -ENOMEM;
        }
      if (r == -ENOMEM)
        r = hr_error_set (err, ENOMEM, "out of memory");
    }
  if (r < 0)
    goto done;

  if (kept)
    {
      /* the container's own filter already is at least as strict */
      r = 0;
      goto done;
    }
  /* unconditional rules first, as profiles write them */
  for (size_t g = 0; g < ngroups && r == 0; g++)
    {
      struct hr_json *rule = hr_json_new_object ();
      if (rule == NULL)
        {
          r = -ENOMEM;
          break;
        }
      struct hr_json *names = steal_pointer (&groups[g].names);
      if (hr_json_set (rule, "names", names, NULL) < 0)
        {
          hr_json_free (rule);
          r = -ENOMEM;
          break;
        }
      if (set_action (rule, "action", "errnoRet", &groups[g].act) < 0 || hr_json_insert (syscalls, g, rule, NULL) < 0)
        r = -ENOMEM;
    }
  /* what the workload's own filter carries beyond the rules */
  static const char *const carried[] = { "flags", "listenerPath", "listenerMetadata" };
  for (size_t k = 0; k < HR_ARRAY_SIZE (carried) && r == 0; k++)
    {
      const struct hr_json *v = hr_json_get (own, carried[k]);
      if (v == NULL || v->type == HR_JSON_NULL)
        continue;
      struct hr_json *copy = hr_json_copy (v);
      if (copy && k == 0)
        {
          /* the speculative store bypass mitigation stays on */
          for (size_t i = hr_json_len (copy); i-- > 0;)
            if (hr_json_string (hr_json_at (copy, i))
                && strcmp (hr_json_string (hr_json_at (copy, i)), "SECCOMP_FILTER_FLAG_SPEC_ALLOW") == 0)
              hr_json_remove_at (copy, i);
        }
      r = hr_json_set (out, carried[k], copy, NULL) < 0 ? -ENOMEM : 0;
    }
  if (r < 0)
    {
      r = hr_error_set (err, ENOMEM, "out of memory");
      goto done;
    }
  *ret = steal_pointer (&out);

done:
  for (size_t g = 0; g < ngroups; g++)
    hr_json_free (groups[g].names);
  filter_release (&h);
  filter_release (&w);
  return r;
}
