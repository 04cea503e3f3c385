/* images: only images from allowlisted registries and repositories, and,
 * where an entry names a digest, only that digest.
 *
 * The image is known only under containerd's CRI, which writes the
 * reference the kubelet asked for into "io.kubernetes.cri.image-name"
 * (fully qualified: "docker.io/library/nginx:1.25" or "...@sha256:..."). A
 * container from another caller has no image hardrun can trust, so with an
 * allowlist it is refused. Sandboxes run containerd's own sandbox_image and
 * are not checked. An empty allowlist checks nothing.
 *
 * Entries: "REPOSITORY" (an fnmatch(3) glob, no flags: "*" also matches
 * "/") allows any tag or digest of a matching repository;
 * "REPOSITORY@sha256:<64 hex>" allows only that digest, so the reference
 * must carry it (a tag names whatever the registry serves). */
#include "config.h"
#include "policy/policy.h"

#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#define MAX_REF 1024

static const char *
annotation (const struct hr_json *spec, const char *key)
{
  return hr_json_string (hr_json_get (hr_json_get (spec, "annotations"), key));
}

/* Splits REF into its repository (into REPO) and digest (or NULL). */
static bool
split_ref (const char *ref, char *repo, size_t size, const char **ret_digest)
{
  const char *at = strchr (ref, '@');
  size_t n = at ? (size_t) (at - ref) : strlen (ref);
  if (n == 0 || n >= size)
    return false;
  memcpy (repo, ref, n);
  repo[n] = '\0';
  /* a tag follows the last ':' after the last '/' (a registry may have a port) */
  char *slash = strrchr (repo, '/');
  char *colon = strrchr (repo, ':');
  if (colon && (slash == NULL || colon > slash))
    *colon = '\0';
  *ret_digest = at ? at + 1 : NULL;
  return repo[0] != '\0';
}

bool
hr_image_allowed (const struct hr_strlist *allow, const char *ref)
{
  char repo[MAX_REF];
  const char *digest;
  if (!split_ref (ref, repo, sizeof repo, &digest))
    return false;
  for (size_t i = 0; i < allow->n; i++)
    {
      char erepo[MAX_REF];
      const char *edigest;
      if (!split_ref (allow->v[i], erepo, sizeof erepo, &edigest))
        continue;
      /* an entry's ':' is part of the glob, not a tag: take the entry whole */
      const char *at = strchr (allow->v[i], '@');
      size_t n = at ? (size_t) (at - allow->v[i]) : strlen (allow->v[i]);
      memcpy (erepo, allow->v[i], n);
      erepo[n] = '\0';
      if (fnmatch (erepo, repo, 0) != 0)
        continue;
      if (edigest == NULL || (digest && strcmp (digest, edigest) == 0))
        return true;
    }
  return false;
}

int
hr_ctl_images (struct hr_apply *a, struct hr_json *spec, struct hr_error *err)
{
  const struct hr_strlist *allow = &a->ctx->profile->images_allow;
  (void) err;
  if (allow->n == 0)
    return 0;
  const char *type = annotation (spec, "io.kubernetes.cri.container-type");
  if (a->ctx->cri && type && strcmp (type, "sandbox") == 0)
    return 0;
  const char *ref = a->ctx->cri ? annotation (spec, "io.kubernetes.cri.image-name") : NULL;
  if (ref == NULL)
    {
      hr_refusal (a, "annotations.io.kubernetes.cri.image-name",
                  a->ctx->cri ? "the image is unknown: containerd named none"
                              : "the image is unknown: only containerd's CRI names an image hardrun can trust");
      return 0;
    }
  if (strlen (ref) >= MAX_REF || !hr_image_allowed (allow, ref))
    hr_refusal (a, "annotations.io.kubernetes.cri.image-name", "image \"%.300s\" is not on the allowlist", ref);
  return 0;
}
