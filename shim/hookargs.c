/* hardrun-hook's command line; see hookargs.h. */
#include "config.h"
#include "hookargs.h"
#include "attest.h"
#include "hooksink.h"

#include <string.h>

static bool
key_ok (const char *v)
{
  return strlen (v) == HR_HOOK_KEY_LEN && strspn (v, "0123456789abcdef") == HR_HOOK_KEY_LEN;
}

static bool
attest_ok (const char *v)
{
  struct hr_attest a;
  return hr_attest_parse (v, &a);
}

/* The options after EVENT KEY: the events each is allowed with, where the
 * value goes and the check it must pass. */
static const struct option
{
  const char *name;
  bool poststart, poststop;
  size_t offset;
  bool (*valid) (const char *);
} options[] = {
  { "--attest", true, false, offsetof (struct hr_hook_args, attest), attest_ok },
};

bool
hr_hook_args_parse (int argc, const char *const *argv, struct hr_hook_args *ret)
{
  *ret = (struct hr_hook_args) { 0 };
  if (argc < 3 || argc > HR_HOOK_MAX_ARGS)
    return false;
  for (int i = 1; i < argc; i++)
    if (argv[i] == NULL || strnlen (argv[i], HR_HOOK_MAX_ARG + 1) > HR_HOOK_MAX_ARG)
      return false;
  bool start = strcmp (argv[1], "poststart") == 0;
  if (!start && strcmp (argv[1], "poststop") != 0)
    return false;
  if (!key_ok (argv[2]))
    return false;
  struct hr_hook_args a = { .event = argv[1], .key = argv[2] };
  for (int i = 3; i < argc; i += 2)
    {
      const struct option *o = NULL;
      for (size_t k = 0; k < sizeof options / sizeof options[0]; k++)
        if (strcmp (argv[i], options[k].name) == 0)
          o = &options[k];
      if (o == NULL || i + 1 >= argc || !(start ? o->poststart : o->poststop))
        return false;
      const char **slot = (const char **) ((char *) &a + o->offset);
      if (*slot != NULL || !o->valid (argv[i + 1]))
        return false;
      *slot = argv[i + 1];
    }
  *ret = a;
  return true;
}
