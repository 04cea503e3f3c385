/* The device allowlist shared by the devices control (create) and the
 * update control: which character devices a container may use. */
#ifndef HARDRUN_POLICY_DEVICES_H
#define HARDRUN_POLICY_DEVICES_H

#include <stdbool.h>

#include "json.h"

/* Is RULE (a linux.resources.devices entry) an allow rule for more than the
 * default devices (null, zero, full, random, urandom, tty, console, ptmx,
 * pts)? Deny rules never are. */
bool hr_device_rule_allows_more (const struct hr_json *rule);

#endif
